import { describe, expect, it } from "vitest";
import { ipcEndpoint, ipcRules, pipeName } from "./ipc-endpoint.js";

describe("ipcRules", () => {
  it.each([
    {
      name: "Linux: a Unix socket, sun_path's 108 bytes less the NUL",
      platform: "linux",
      want: { kind: "unix-socket", maxPathBytes: 107 },
    },
    {
      name: "macOS: a Unix socket, sun_path's 104 bytes less the NUL",
      platform: "darwin",
      want: { kind: "unix-socket", maxPathBytes: 103 },
    },
    {
      name: "another POSIX system: the BSDs' 104",
      platform: "freebsd",
      want: { kind: "unix-socket", maxPathBytes: 103 },
    },
    { name: "Windows: a named pipe", platform: "win32", want: { kind: "named-pipe" } },
  ])("$name", ({ platform, want }) => {
    expect(ipcRules(platform)).toEqual(want);
  });
});

describe("pipeName", () => {
  const socket = "C:\\Users\\alice\\.cache\\git-credential-pat\\socket";
  const name = pipeName(socket, "alice");

  it("is a local pipe named after the program and the user, with a hash of user and path", () => {
    expect(name).toMatch(/^\\\\\.\\pipe\\git-credential-pat-alice-[0-9a-f]{32}$/);
  });

  it.each([
    { name: "the same path in other case", path: socket.toUpperCase(), user: "alice" },
    { name: "the same path with forward slashes", path: socket.replaceAll("\\", "/"), user: "alice" },
    { name: "the same user in other case", path: socket, user: "Alice" },
  ])("names one pipe for $name, as Windows compares them", ({ path, user }) => {
    expect(pipeName(path, user).toLowerCase()).toBe(name);
  });

  it.each([
    { name: "another --socket of the same user", path: "C:\\Users\\alice\\work\\socket", user: "alice" },
    { name: "another user naming the same path", path: socket, user: "bob" },
  ])("names another pipe for $name", ({ path, user }) => {
    expect(pipeName(path, user)).not.toBe(name);
  });

  it("tells apart users whose readable parts are the same", () => {
    expect(pipeName(socket, "al ice")).not.toBe(pipeName(socket, "al_ice"));
    expect(pipeName(socket, "al ice").slice(0, -32)).toBe(pipeName(socket, "al_ice").slice(0, -32));
  });

  it("keeps only name characters of the user, and no backslash, in the readable part", () => {
    const odd = pipeName(socket, "DOMAIN\\Zoë Smith");
    expect(odd).toMatch(/^\\\\\.\\pipe\\git-credential-pat-DOMAIN_Zo__Smith-[0-9a-f]{32}$/);
    expect(pipeName(socket, "x".repeat(300)).length).toBeLessThan(256);
  });
});

describe("ipcEndpoint", () => {
  it("is the socket path itself for a Unix socket, without asking who the user is", () => {
    const user = () => {
      throw new Error("the user is not needed for a Unix socket");
    };
    expect(ipcEndpoint("/run/user/1000/git-credential-pat/socket", ipcRules("linux"), user)).toBe(
      "/run/user/1000/git-credential-pat/socket",
    );
  });

  it("is the path's pipe on Windows", () => {
    expect(ipcEndpoint("C:\\x\\socket", ipcRules("win32"), () => "alice")).toBe(
      pipeName("C:\\x\\socket", "alice"),
    );
  });
});

// The socket path's checks on each platform, on memfs: Linux and macOS check a private directory
// and sun_path's length; Windows (a named pipe) has neither, and touches no file.
import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { ipcRules } from "../platform/ipc-endpoint.js";
import { checkSocketPath, isAbsoluteSocketPath } from "./socket-path.js";

/** An absolute path of exactly `bytes` bytes under /home/user/s/. */
const pathOf = (bytes: number) => `/home/user/s/${"x".repeat(bytes - "/home/user/s/".length)}`;

describe("checkSocketPath", () => {
  it.each([
    { platform: "linux", longest: 107 },
    { platform: "darwin", longest: 103 },
  ])(
    "on $platform takes a path of $longest bytes and refuses one byte more, in one line (exit 5)",
    async ({ platform, longest }) => {
      const deps = makeTestDeps({ ipc: ipcRules(platform) });
      await expect(checkSocketPath(pathOf(longest), { create: true }, deps)).resolves.toBe("absent");
      const tooLong = pathOf(longest + 1);
      await expect(checkSocketPath(tooLong, { create: true }, deps)).rejects.toMatchObject({
        exitCode: 5,
        message: `socket path ${tooLong} is longer than ${longest} bytes; pick a shorter --socket`,
      });
    },
  );

  it("counts bytes, not characters", async () => {
    const deps = makeTestDeps({ ipc: ipcRules("darwin") });
    const path = `${pathOf(100)}ééé`; // 103 characters, 106 bytes
    await expect(checkSocketPath(path, { create: false }, deps)).rejects.toMatchObject({ exitCode: 5 });
  });

  it.each(["linux", "darwin"])("on %s refuses a socket directory other users can use", async (platform) => {
    const deps = makeTestDeps({ ipc: ipcRules(platform) });
    deps.vol.mkdirSync("/home/user/s", { mode: 0o755 });
    deps.vol.chmodSync("/home/user/s", 0o755);
    await expect(checkSocketPath("/home/user/s/socket", { create: false }, deps)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining('run "chmod 0700 /home/user/s"'),
    });
  });

  it("on Windows says a pipe is to be tried, creating and checking nothing, whatever the path", async () => {
    const deps = makeTestDeps({ ipc: ipcRules("win32") });
    // A directory anyone may use, and a path no sun_path could take: neither matters for a pipe.
    deps.vol.mkdirSync("/home/user/s", { mode: 0o777 });
    deps.vol.chmodSync("/home/user/s", 0o777);
    const before = deps.vol.toJSON();
    for (const path of ["/home/user/s/socket", pathOf(300), "C:\\Users\\user\\socket"]) {
      for (const create of [true, false]) {
        await expect(checkSocketPath(path, { create }, deps)).resolves.toBe("pipe");
      }
    }
    expect(deps.vol.toJSON()).toEqual(before);
  });
});

describe("isAbsoluteSocketPath", () => {
  it.each([
    { path: "/run/user/1000/socket", linux: true, win32: true },
    { path: "C:\\Users\\alice\\socket", linux: false, win32: true },
    { path: "d:/pat/socket", linux: false, win32: true },
    { path: "relative/socket", linux: false, win32: false },
    { path: "C:relative", linux: false, win32: false },
    { path: "", linux: false, win32: false },
  ])("$path: on Linux $linux, on Windows $win32", ({ path, linux, win32 }) => {
    expect(isAbsoluteSocketPath(path, ipcRules("linux"))).toBe(linux);
    expect(isAbsoluteSocketPath(path, ipcRules("darwin"))).toBe(linux);
    expect(isAbsoluteSocketPath(path, ipcRules("win32"))).toBe(win32);
  });
});

import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { nodeSpawnFor, pathsFrom, selfCommandOf } from "./node-deps.js";

describe("pathsFrom", () => {
  const home = userInfo().homedir;
  it.each([
    { name: "takes an absolute HOME", env: { HOME: "/home/alice" }, want: "/home/alice" },
    // Read against git's working directory, these would put the file store inside the repository.
    { name: "ignores a relative HOME for the user database's home", env: { HOME: "relhome" }, want: home },
    { name: "ignores an empty HOME for the user database's home", env: { HOME: "" }, want: home },
    { name: "ignores a HOME of ~", env: { HOME: "~" }, want: home },
    { name: "uses the user database's home without HOME", env: {}, want: home },
  ])("$name", ({ env, want }) => {
    const paths = pathsFrom(env, "linux");
    expect(paths.home).toBe(want);
    for (const dir of [paths.xdgConfigHome, paths.xdgDataHome, paths.xdgCacheHome, paths.xdgStateHome]) {
      expect(dir.startsWith(`${want === "/" ? "" : want}/`)).toBe(true);
    }
  });

  it("ignores relative XDG directories, as the XDG spec says", () => {
    const paths = pathsFrom({ HOME: "/home/alice", XDG_DATA_HOME: "data", XDG_RUNTIME_DIR: "run" }, "linux");
    expect(paths.xdgDataHome).toBe("/home/alice/.local/share");
    expect(paths.runtimeDir).toBeUndefined();
  });
});

describe("selfCommandOf", () => {
  it.each([
    {
      name: "a Linux or macOS standalone binary",
      script: "/$bunfs/root/git-credential-pat",
      want: ["/opt/pat"],
    },
    {
      name: "a Windows standalone binary (backslashes)",
      script: "B:\\~BUN\\root\\git-credential-pat.exe",
      want: ["/opt/pat"],
    },
    {
      name: "a Windows standalone binary (slashes)",
      script: "B:/~BUN/root/git-credential-pat.exe",
      want: ["/opt/pat"],
    },
    { name: "a binary whose argv[1] is itself", script: "/opt/pat", want: ["/opt/pat"] },
    { name: "no script at all", script: undefined, want: ["/opt/pat"] },
    {
      name: "the Node build",
      script: "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs",
      want: ["/opt/pat", "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs"],
    },
  ])("runs $name again as $want", ({ script, want }) => {
    expect(selfCommandOf(script, "/opt/pat")).toEqual(want);
  });
});

describe("pathsFrom per platform", () => {
  it.each(["linux", "darwin"])("%s: HOME and the XDG layout, as the SPEC says", (platform) => {
    const paths = pathsFrom({ HOME: "/Users/alice", USERPROFILE: "C:\\Users\\bob" }, platform);
    expect(paths).toEqual({
      pathStyle: "posix",
      home: "/Users/alice",
      xdgConfigHome: "/Users/alice/.config",
      xdgDataHome: "/Users/alice/.local/share",
      xdgCacheHome: "/Users/alice/.cache",
      xdgStateHome: "/Users/alice/.local/state",
      runtimeDir: undefined,
    });
  });

  it("win32: %USERPROFILE% without HOME (Git for Windows' rule), the same layout, forward slashes", () => {
    const paths = pathsFrom({ USERPROFILE: "C:\\Users\\alice" }, "win32");
    expect(paths).toEqual({
      pathStyle: "win32",
      home: "C:/Users/alice",
      xdgConfigHome: "C:/Users/alice/.config",
      xdgDataHome: "C:/Users/alice/.local/share",
      xdgCacheHome: "C:/Users/alice/.cache",
      xdgStateHome: "C:/Users/alice/.local/state",
      runtimeDir: undefined,
    });
  });

  it.each([
    {
      name: "an absolute HOME wins over %USERPROFILE%",
      env: { HOME: "D:\\home", USERPROFILE: "C:\\Users\\a" },
      want: "D:/home",
    },
    {
      name: "an MSYS HOME (/c/Users/a) is no Windows path",
      env: { HOME: "/c/Users/a", USERPROFILE: "C:\\Users\\a" },
      want: "C:/Users/a",
    },
    {
      name: "a relative HOME is ignored",
      env: { HOME: "home", USERPROFILE: "C:\\Users\\a" },
      want: "C:/Users/a",
    },
  ])("win32: $name", ({ env, want }) => {
    expect(pathsFrom(env, "win32").home).toBe(want);
  });

  it("win32: XDG directories count when they name a drive, and are spelled with forward slashes", () => {
    const paths = pathsFrom(
      { USERPROFILE: "C:\\Users\\a", XDG_CONFIG_HOME: "E:\\cfg\\", XDG_DATA_HOME: "/data" },
      "win32",
    );
    expect(paths.xdgConfigHome).toBe("E:/cfg");
    expect(paths.xdgDataHome).toBe("C:/Users/a/.local/share");
  });
});

describe("nodeSpawnFor", () => {
  const options = { env: { PATH: "/usr/bin:/bin" }, timeoutMs: 10_000 };

  it("linux: runs a program PATH names", async () => {
    await expect(nodeSpawnFor("linux")("git", ["--version"], options)).resolves.toMatchObject({ code: 0 });
  });

  it("win32: a bare name its PATH (drive paths) does not have is not run at all: 127", async () => {
    // /usr/bin is no Windows directory, so nothing is found, and nothing is left for Windows to
    // look up in the working directory.
    await expect(nodeSpawnFor("win32")("git", ["--version"], options)).resolves.toEqual({
      code: 127,
      stdout: "",
      stderr: "git: not found on PATH",
    });
  });
});

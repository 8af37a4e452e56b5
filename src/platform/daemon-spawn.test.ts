import { describe, expect, it } from "vitest";
import { daemonSpawnPlan } from "./daemon-spawn.js";

describe("daemonSpawnPlan", () => {
  const env = {
    PATH: "/usr/bin",
    HOME: "/home/alice",
    XDG_RUNTIME_DIR: "/run/user/1000",
    GH_TOKEN: "never-passed-on",
    SystemRoot: "C:\\Windows",
    LOCALAPPDATA: "C:\\Users\\alice\\AppData\\Local",
    UNRELATED: "x",
  };
  const plan = (platform: string, selfCommand: string[], debug = false) =>
    daemonSpawnPlan("/home/alice/.cache/git-credential-pat/socket", {
      platform,
      selfCommand,
      env,
      baseEnv: ["PATH", "HOME", "XDG_RUNTIME_DIR"],
      debug,
    });

  it.each([
    { name: "Linux, the standalone binary", platform: "linux", self: ["/usr/local/bin/git-credential-pat"] },
    { name: "macOS, the Node build", platform: "darwin", self: ["/usr/local/bin/node", "/opt/pat/cli.cjs"] },
    { name: "Windows, the standalone binary", platform: "win32", self: ["C:\\pat\\git-credential-pat.exe"] },
  ])("runs <self> cache-daemon SOCKET directly, with no shell or setsid, on $name", ({ platform, self }) => {
    const { command, args, options } = plan(platform, self);
    expect([command, ...args]).toEqual([
      ...self,
      "cache-daemon",
      "/home/alice/.cache/git-credential-pat/socket",
    ]);
    expect(options).toMatchObject({ detached: true, cwd: "/", stdio: ["ignore", "pipe", "ignore"] });
  });

  it("gives a POSIX daemon the base variables only, as before", () => {
    for (const platform of ["linux", "darwin"]) {
      const { options } = plan(platform, ["/bin/pat"]);
      expect(options.env).toEqual({
        PATH: "/usr/bin",
        HOME: "/home/alice",
        XDG_RUNTIME_DIR: "/run/user/1000",
      });
      expect(options).not.toHaveProperty("windowsHide");
    }
  });

  it("gives a Windows daemon SystemRoot and the profile directories too, and no console window", () => {
    const { options } = plan("win32", ["C:\\pat\\git-credential-pat.exe"]);
    expect(options.env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/alice",
      XDG_RUNTIME_DIR: "/run/user/1000",
      SystemRoot: "C:\\Windows",
      LOCALAPPDATA: "C:\\Users\\alice\\AppData\\Local",
    });
    expect(options.windowsHide).toBe(true);
  });

  it("lets the daemon's stderr through only when debugging", () => {
    expect(plan("win32", ["C:\\pat.exe"], true).options.stdio).toEqual(["ignore", "pipe", "inherit"]);
  });
});

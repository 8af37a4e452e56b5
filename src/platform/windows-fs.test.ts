import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { windowsSystemProgram } from "../posix-path.js";
import { aclUser, ownerOnlyAclArgs, withWindowsFs } from "./windows-fs.js";

describe("the owner-only ACL (Windows)", () => {
  it("names a domain account with its domain", () => {
    expect(aclUser("alice", "CORP")).toBe("CORP\\alice");
    expect(aclUser("alice", undefined)).toBe("alice");
    expect(aclUser("alice", "")).toBe("alice");
  });

  it("drops the inherited entries and grants the user alone full control, inherited below", () => {
    expect(ownerOnlyAclArgs("C:/Users/alice/.config/git-credential-pat", "CORP\\alice")).toEqual([
      "C:/Users/alice/.config/git-credential-pat",
      "/inheritance:r",
      "/grant:r",
      "CORP\\alice:(OI)(CI)F",
      "/q",
    ]);
  });

  it("runs icacls by its full path, never a name Windows would look up in git's working directory", () => {
    expect(windowsSystemProgram("icacls.exe", "C:\\WINDOWS")).toBe("C:\\WINDOWS\\System32\\icacls.exe");
    expect(windowsSystemProgram("icacls.exe", "D:\\Win\\")).toBe("D:\\Win\\System32\\icacls.exe");
    expect(windowsSystemProgram("icacls.exe", undefined)).toBe("C:\\Windows\\System32\\icacls.exe");
  });
});

describe("withWindowsFs", () => {
  const options = (deps: ReturnType<typeof makeTestDeps>, platform: string) => ({
    platform,
    spawn: deps.spawn,
    systemRoot: "C:\\Windows",
    user: () => "CORP\\alice",
    sleep: deps.clock.sleep,
    rmdir: (path: string) => deps.vol.promises.rmdir(path),
  });

  it.each(["linux", "darwin"])("%s: the fs is left as it is (mkdir's mode does it)", (platform) => {
    const deps = makeTestDeps();
    expect(withWindowsFs(deps.fs, options(deps, platform))).toBe(deps.fs);
  });

  it("win32: a private directory it creates gets the ACL, once", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 0, stdout: "", stderr: "" }] });
    const fs = withWindowsFs(deps.fs, options(deps, "win32"));
    await fs.mkdir("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    // Already there: no second icacls (an unexpected spawn would throw).
    await fs.mkdir("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    expect(deps.spawnCalls).toEqual([
      {
        file: "C:\\Windows\\System32\\icacls.exe",
        args: ownerOnlyAclArgs("/home/user/.config/git-credential-pat", "CORP\\alice"),
      },
    ]);
    expect(deps.spawnEnvs).toEqual([{ SystemRoot: "C:\\Windows" }]);
  });

  it("win32: a directory created with group or other bits gets no ACL", async () => {
    const deps = makeTestDeps();
    const fs = withWindowsFs(deps.fs, options(deps, "win32"));
    await fs.mkdir("/home/user/shared", { recursive: true, mode: 0o755 });
    await fs.mkdir("/home/user/plain", { recursive: true });
    expect(deps.spawnCalls).toEqual([]);
  });

  it("win32: icacls failing is an error that names the command to run", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 5, stdout: "", stderr: "Access is denied.\r\n" }] });
    const fs = withWindowsFs(deps.fs, options(deps, "win32"));
    await expect(fs.mkdir("/home/user/p", { recursive: true, mode: 0o700 })).rejects.toMatchObject({
      message: "cannot make /home/user/p private to you (icacls: Access is denied.)",
      hint: 'run: icacls "/home/user/p" /inheritance:r /grant:r CORP\\alice:(OI)(CI)F /q',
    });
  });
});

describe("withWindowsFs: a directory icacls could not make private", () => {
  // The first store fails with the icacls error; the directory it created stays. It must not be
  // taken as private by the next store, which would write a token into it with the inherited ACL.
  it("win32: is not used afterwards as if it had the owner-only ACL", async () => {
    const deps = makeTestDeps({
      spawnResults: [
        { code: 5, stdout: "", stderr: "Access is denied.\r\n" },
        { code: 5, stdout: "", stderr: "Access is denied.\r\n" },
      ],
    });
    const fs = withWindowsFs(deps.fs, {
      platform: "win32",
      spawn: deps.spawn,
      systemRoot: "C:\\Windows",
      user: () => "alice",
      sleep: deps.clock.sleep,
      rmdir: (path) => deps.vol.promises.rmdir(path),
    });
    const dir = "/home/user/.config/git-credential-pat";
    await expect(fs.mkdir(dir, { recursive: true, mode: 0o700 })).rejects.toThrow(/private to you/);
    await expect(fs.mkdir(dir, { recursive: true, mode: 0o700 })).rejects.toThrow(/private to you/);
  });
});

describe("withWindowsFs rename", () => {
  const busy = (code: string) =>
    Object.assign(new Error(`${code}: operation not permitted, rename`), { code });

  /** A rename that fails with `codes` in turn, then succeeds; the attempts and sleeps are recorded. */
  function setup(platform: string, codes: string[]) {
    const deps = makeTestDeps();
    const sleeps: number[] = [];
    let attempts = 0;
    const base = {
      ...deps.fs,
      rename: async () => {
        attempts++;
        const code = codes.shift();
        if (code) throw busy(code);
      },
    };
    const fs = withWindowsFs(base, {
      platform,
      spawn: deps.spawn,
      systemRoot: undefined,
      user: () => "alice",
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      rmdir: async () => {},
    });
    return { fs, sleeps, attempts: () => attempts };
  }

  it("win32: tries again while the target is held open (EPERM, EACCES, EBUSY), as mingw_rename", async () => {
    const { fs, sleeps, attempts } = setup("win32", ["EPERM", "EACCES", "EBUSY"]);
    await fs.rename("/a.lock", "/a");
    expect(attempts()).toBe(4);
    expect(sleeps).toEqual([1, 10, 20]);
  });

  it("win32: gives up after 1, 10, 20, 40 and 80 ms, with the last error", async () => {
    const { fs, sleeps, attempts } = setup("win32", Array(9).fill("EPERM"));
    await expect(fs.rename("/a.lock", "/a")).rejects.toMatchObject({ code: "EPERM" });
    expect(attempts()).toBe(6);
    expect(sleeps).toEqual([1, 10, 20, 40, 80]);
  });

  it("win32: any other error at once", async () => {
    const { fs, attempts } = setup("win32", ["ENOENT"]);
    await expect(fs.rename("/a.lock", "/a")).rejects.toMatchObject({ code: "ENOENT" });
    expect(attempts()).toBe(1);
  });

  it.each(["linux", "darwin"])("%s: never retried (rename replaces an open file there)", async (platform) => {
    const { fs, attempts } = setup(platform, ["EPERM"]);
    await expect(fs.rename("/a.lock", "/a")).rejects.toMatchObject({ code: "EPERM" });
    expect(attempts()).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { FakeClock, makeTestDeps } from "../test/helpers/test-deps.js";
import {
  checkPrivateDir,
  ensurePrivateDir,
  readPrivateFile,
  resolveSymlinks,
  rewritePrivateFile,
} from "./private-files.js";

describe("rewritePrivateFile", () => {
  const path = "/home/user/app/credentials";
  const lockPath = `${path}.lock`;

  /** Records, for each event, whether signals were being held back (deps.deferSignals) then. */
  function setup() {
    const events: string[] = [];
    let held = 0;
    const deps = makeTestDeps({ clock: new FakeClock() });
    deps.deferSignals = async (work) => {
      held++;
      try {
        return await work();
      } finally {
        held--;
      }
    };
    const fs = deps.fs;
    const note = (event: string) => events.push(`${event}${held > 0 ? " (signals held)" : ""}`);
    deps.fs = {
      ...fs,
      open: async (...args) => {
        const handle = await fs.open(...args);
        note("lock created");
        return handle;
      },
      rename: async (from, to) => {
        await fs.rename(from, to);
        note("renamed");
      },
      unlink: async (target) => {
        await fs.unlink(target);
        note("unlinked");
      },
    };
    deps.vol.mkdirSync("/home/user/app", { recursive: true, mode: 0o700 });
    return { deps, events };
  }

  it("holds signals back from the lock's creation to its rename, and not while waiting for it", async () => {
    const { deps, events } = setup();
    deps.vol.writeFileSync(lockPath, "", { mode: 0o600 });
    deps.clock.sleep = async () => {
      events.push("waited");
      // Another writer finishes while we wait.
      if (deps.vol.existsSync(lockPath)) deps.vol.unlinkSync(lockPath);
    };
    await rewritePrivateFile(path, () => "new\n", { lockTimeoutMs: 1000 }, deps);
    expect(events).toEqual(["waited", "lock created (signals held)", "renamed (signals held)"]);
    expect(deps.vol.readFileSync(path, "utf8")).toBe("new\n");
  });

  it("holds signals back until a failed rewrite has removed its lock", async () => {
    const { deps, events } = setup();
    await expect(
      rewritePrivateFile(
        path,
        () => {
          throw new Error("no");
        },
        { lockTimeoutMs: 1000 },
        deps,
      ),
    ).rejects.toThrow("no");
    expect(events).toEqual(["lock created (signals held)", "unlinked (signals held)"]);
    expect(deps.vol.existsSync(lockPath)).toBe(false);
  });
});

describe("private files and directories: the advice given", () => {
  it.each([
    {
      name: "a sticky directory every user shares is to be replaced, never chmod-ed",
      mode: 0o1777,
      want: "/shared is a directory every user shares (mode 1777); use a directory of your own",
    },
    {
      name: "a directory others can read is to be chmod-ed",
      mode: 0o755,
      want: '/shared is accessible by other users (mode 0755); run "chmod 0700 /shared"',
    },
  ])("$name", async ({ mode, want }) => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/shared", { mode });
    deps.vol.chmodSync("/shared", mode);
    await expect(ensurePrivateDir("/shared", "private", deps)).rejects.toMatchObject({ message: want });
  });

  it("a directory where a file belongs is named as such", async () => {
    const deps = makeTestDeps();
    await expect(readPrivateFile("/home/user", deps)).rejects.toMatchObject({
      message: "/home/user is a directory; name a file instead",
    });
  });
});

describe("private files on Windows (no uid: NTFS has no owner or mode bits to check)", () => {
  // What Node and bun report for every file and directory on NTFS.
  const ntfsFile = 0o666;
  const ntfsDir = 0o777;

  it("reads a file stat reports as 0666, where on Linux it is refused", async () => {
    const deps = makeTestDeps({ uid: undefined, platform: "win32" });
    deps.vol.mkdirSync("/home/user/app", { recursive: true });
    deps.vol.writeFileSync("/home/user/app/config.json", "{}", { mode: ntfsFile });
    deps.vol.chmodSync("/home/user/app/config.json", ntfsFile);
    await expect(readPrivateFile("/home/user/app/config.json", deps)).resolves.toEqual(Buffer.from("{}"));

    const linux = makeTestDeps();
    linux.vol.mkdirSync("/home/user/app", { recursive: true });
    linux.vol.writeFileSync("/home/user/app/config.json", "{}", { mode: ntfsFile });
    linux.vol.chmodSync("/home/user/app/config.json", ntfsFile);
    await expect(readPrivateFile("/home/user/app/config.json", linux)).rejects.toThrow(
      "readable by other users",
    );
  });

  it("uses a directory stat reports as 0777 (its ACL, set at creation, protects it)", async () => {
    const deps = makeTestDeps({ uid: undefined, platform: "win32" });
    deps.vol.mkdirSync("/home/user/app", { recursive: true, mode: ntfsDir });
    deps.vol.chmodSync("/home/user/app", ntfsDir);
    await expect(ensurePrivateDir("/home/user/app", "private", deps)).resolves.toBeUndefined();
    const stats = deps.vol.statSync("/home/user/app") as never;
    expect(() => checkPrivateDir("/home/user/app", stats, "private", process.getuid?.() ?? 0)).toThrow(
      "accessible by other users",
    );
  });

  it("still refuses a file where a directory belongs", async () => {
    const deps = makeTestDeps({ uid: undefined, platform: "win32" });
    deps.vol.writeFileSync("/home/user/app", "x");
    await expect(ensurePrivateDir("/home/user/app", "private", deps)).rejects.toThrow("is not a directory");
  });
});

describe("resolveSymlinks per platform", () => {
  /** A fake fs of links: path → target. */
  const linksFs = (links: Record<string, string>) => ({
    lstat: async (path: string) => ({ isSymbolicLink: () => path in links }) as never,
    readlink: async (path: string) => links[path] as string,
  });

  it.each([
    {
      name: "POSIX: an absolute target",
      path: "/home/u/.git-credentials",
      target: "/dots/creds",
      want: "/dots/creds",
    },
    {
      name: "POSIX: a relative target, from the link's directory",
      path: "/home/u/.git-credentials",
      target: "dots/creds",
      want: "/home/u/dots/creds",
    },
    {
      name: "POSIX: a name with a drive-like prefix is relative",
      path: "/home/u/c",
      target: "C:\\x",
      want: "/home/u/C:\\x",
    },
    {
      name: "Windows: a drive target",
      path: "C:/Users/u/.git-credentials",
      target: "D:\\dots\\creds",
      want: "D:/dots/creds",
    },
    {
      name: "Windows: a relative target with backslashes",
      path: "C:/Users/u/.git-credentials",
      target: "dots\\creds",
      want: "C:/Users/u/dots/creds",
    },
  ])("$name", async ({ path, target, want }) => {
    await expect(resolveSymlinks(path, linksFs({ [path]: target }))).resolves.toBe(want);
  });
});

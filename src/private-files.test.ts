import { describe, expect, it } from "vitest";
import { FakeClock, makeTestDeps } from "../test/helpers/test-deps.js";
import { ensurePrivateDir, readPrivateFile, rewritePrivateFile } from "./private-files.js";

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

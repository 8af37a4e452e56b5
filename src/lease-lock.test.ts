import { describe, expect, it } from "vitest";
import { FakeClock, makeTestDeps } from "../test/helpers/test-deps.js";
import { hintOf } from "./errors.js";
import { claimLine, leaseHolder, tryWithLockFile, withLockFile } from "./lease-lock.js";

// The lease file's decision logic, as the lines land (see lease-lock.ts). Ids are letters.
describe("leaseHolder", () => {
  it.each([
    { name: "an empty file has no holder", input: "", want: undefined },
    { name: "the creator holds the file it opened", input: "lock a\n", want: "a" },
    { name: "beats do not change the holder", input: "lock a\nbeat\nbeat\n", want: "a" },
    { name: "a lock line that is not the first is no lock", input: "beat\nlock a\n", want: undefined },
    {
      name: "a claim that lands as the line it read up to takes the file over",
      input: "lock a\nbeat\nclaim b 2 a\n",
      want: "b",
    },
    {
      name: "of two waiters that judged the same state stale, the first to land wins",
      input: "lock a\nclaim b 1 a\nclaim c 1 a\n",
      want: "b",
    },
    {
      name: "a claim loses to a beat that landed after the waiter read the file",
      input: "lock a\nbeat\nclaim b 1 a\n",
      want: "a",
    },
    {
      name: "a claim for another file (one that was removed and created anew) is void",
      input: "lock c\nclaim b 1 a\n",
      want: "c",
    },
    {
      name: "a claim on a file whose creator died before its line wins, and the late line is void",
      input: "claim b 0 -\nlock a\n",
      want: "b",
    },
    {
      name: "a claim that created the file after its holder removed it holds nothing",
      input: "claim b 3 a\n",
      want: undefined,
    },
    {
      name: "a later takeover supersedes an earlier one",
      input: "lock a\nclaim b 1 a\nbeat\nclaim c 3 a\n",
      want: "c",
    },
    { name: "a line still being written does not count", input: "lock a\nclaim b 1 a", want: "a" },
  ])("$name", ({ input, want }) => {
    expect(leaseHolder(input)).toBe(want);
  });
});

describe("claimLine", () => {
  it.each([
    {
      name: "names the lines read and the file's first writer",
      input: "lock a\nbeat\n",
      want: "claim z 2 a",
    },
    { name: "names no writer for an empty file", input: "", want: "claim z 0 -" },
    { name: "does not count a line still being written", input: "lock a\nbe", want: "claim z 1 a" },
  ])("$name", ({ input, want }) => {
    expect(claimLine("z", input)).toBe(want);
    expect(leaseHolder(`${input.replace(/[^\n]*$/, "")}${want}\n`)).toBe("z");
  });
});

describe("withLockFile", () => {
  const lockPath = "/home/user/app/keychain.lock";
  const options = { timeoutMs: 1000, staleMs: 4000 };

  /** memfs stamps files with the real time: the fake clock starts there. */
  function setup() {
    const deps = makeTestDeps({ clock: new FakeClock(Date.now()) });
    deps.vol.mkdirSync("/home/user/app", { recursive: true, mode: 0o700 });
    const plant = (content: string, ageMs: number) => {
      deps.vol.writeFileSync(lockPath, content, { mode: 0o600 });
      const at = new Date(deps.clock.now() - ageMs);
      deps.vol.utimesSync(lockPath, at, at);
    };
    const lockFile = () => deps.vol.toJSON()[lockPath];
    return { deps, plant, lockFile };
  }

  it("holds a lock it creates, and removes it afterwards", async () => {
    const { deps, lockFile } = setup();
    const seen = await withLockFile(lockPath, options, async () => lockFile(), deps);
    expect(seen).toMatch(/^lock \S+\n$/);
    expect(lockFile()).toBeUndefined();
  });

  it.each([
    { name: "left empty by a creator killed at once", content: "" },
    { name: "left by a holder killed while it held it", content: "lock a\nbeat\n" },
  ])("takes over a lock $name once it is staleMs old, without removing it", async ({ content }) => {
    const { deps, plant, lockFile } = setup();
    plant(content, 0);
    const startedMs = deps.clock.now();
    const seen = await withLockFile(lockPath, options, async () => lockFile(), deps);
    expect(deps.clock.now() - startedMs).toBeGreaterThan(options.staleMs);
    expect(seen).toMatch(new RegExp(`^${content}claim \\S+ ${content.split("\n").length - 1} `));
    expect(lockFile()).toBeUndefined();
  });

  it("holds signals back from taking the lock to removing it, and not while it waits for another's", async () => {
    const { deps, plant, lockFile } = setup();
    plant("lock a\n", 0);
    const events: string[] = [];
    deps.deferSignals = async (work) => {
      events.push(`hold (lock ${lockFile() === undefined ? "absent" : "present"})`);
      try {
        return await work();
      } finally {
        events.push(`release (lock ${lockFile() === undefined ? "absent" : "present"})`);
      }
    };
    // The other holder finishes while this process waits.
    const sleep = deps.clock.sleep.bind(deps.clock);
    deps.clock.sleep = async (ms) => {
      await sleep(ms);
      deps.vol.rmSync(lockPath, { force: true });
    };
    await withLockFile(
      lockPath,
      options,
      async () => void events.push(`run (${lockFile()?.split(" ")[0]})`),
      deps,
    );
    // The failed first try held signals only for the try itself; the lock was gone when it let go.
    expect(events).toEqual([
      "hold (lock present)",
      "release (lock present)",
      "hold (lock absent)",
      "run (lock)",
      "release (lock absent)",
    ]);
  });

  it("waits past its timeout for a lock that may still turn out abandoned", async () => {
    const { deps, plant } = setup();
    plant("lock a\n", 0);
    await withLockFile(lockPath, { timeoutMs: 10, staleMs: 4000 }, async () => {}, deps);
  });

  it("gives up on a lock its holder keeps renewing, without advising to remove it", async () => {
    const { deps, plant, lockFile } = setup();
    plant("lock a\n", 0);
    // The holder is alive: its beat stamps the file while the waiter sleeps.
    const sleep = deps.clock.sleep.bind(deps.clock);
    deps.clock.sleep = async (ms) => {
      await sleep(ms);
      const at = new Date(deps.clock.now());
      deps.vol.utimesSync(lockPath, at, at);
    };
    const error = await withLockFile(lockPath, options, async () => {}, deps).catch((caught) => caught);
    expect(error).toMatchObject({ message: expect.stringContaining("is held by another process") });
    expect(hintOf(error)).toMatch(/another git-credential-pat process is using it/);
    expect(hintOf(error)).not.toMatch(/\brm\b/);
    expect(lockFile()).toBe("lock a\n");
  });

  it("leaves the lock of the process that took over from it in place", async () => {
    const { deps, lockFile } = setup();
    await withLockFile(
      lockPath,
      options,
      async () => {
        // This holder stalled past staleMs, and another process claimed the lock meanwhile.
        const content = lockFile() ?? "";
        deps.vol.appendFileSync(lockPath, `${claimLine("successor", content)}\n`);
      },
      deps,
    );
    expect(leaseHolder(lockFile() ?? "")).toBe("successor");
  });

  it("releases the lock when the work fails", async () => {
    const { deps, lockFile } = setup();
    await expect(
      withLockFile(
        lockPath,
        options,
        async () => {
          throw new Error("keychain call failed");
        },
        deps,
      ),
    ).rejects.toThrow("keychain call failed");
    expect(lockFile()).toBeUndefined();
  });
});

describe("tryWithLockFile", () => {
  const lockPath = "/home/user/app/learn.lock";
  const staleMs = 30_000;

  function setup() {
    const deps = makeTestDeps({ clock: new FakeClock(Date.now()) });
    deps.vol.mkdirSync("/home/user/app", { recursive: true, mode: 0o700 });
    const plant = (content: string, ageMs: number) => {
      deps.vol.writeFileSync(lockPath, content, { mode: 0o600 });
      const at = new Date(deps.clock.now() - ageMs);
      deps.vol.utimesSync(lockPath, at, at);
    };
    const lockFile = () => deps.vol.toJSON()[lockPath];
    return { deps, plant, lockFile };
  }

  it("runs under a lock it creates, and removes it afterwards", async () => {
    const { deps, lockFile } = setup();
    const done = await tryWithLockFile(lockPath, { staleMs }, async () => lockFile(), deps);
    expect(done?.result).toMatch(/^lock \S+\n$/);
    expect(lockFile()).toBeUndefined();
  });

  it("does nothing, at once, while a live holder has the lock", async () => {
    const { deps, plant, lockFile } = setup();
    plant("lock a\nbeat\n", staleMs - 1000);
    const startedMs = deps.clock.now();
    let ran = false;
    const done = await tryWithLockFile(lockPath, { staleMs }, async () => (ran = true), deps);
    expect(done).toBeUndefined();
    expect(ran).toBe(false);
    expect(deps.clock.now()).toBe(startedMs);
    expect(lockFile()).toBe("lock a\nbeat\n");
  });

  it("takes over a lock not stamped for staleMs (its holder died), and removes it afterwards", async () => {
    const { deps, plant, lockFile } = setup();
    plant("lock a\nbeat\n", staleMs + 1000);
    const done = await tryWithLockFile(lockPath, { staleMs }, async () => lockFile(), deps);
    expect(done?.result).toMatch(/^lock a\nbeat\nclaim \S+ 2 a\n$/);
    expect(lockFile()).toBeUndefined();
  });

  it("releases the lock when the work fails", async () => {
    const { deps, lockFile } = setup();
    await expect(
      tryWithLockFile(
        lockPath,
        { staleMs },
        async () => {
          throw new Error("API down");
        },
        deps,
      ),
    ).rejects.toThrow("API down");
    expect(lockFile()).toBeUndefined();
  });
});

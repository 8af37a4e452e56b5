import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startKeyringWatchdog, type Watcher, watchdogPlan } from "./keyring-watchdog.js";

describe("watchdogPlan", () => {
  it.each([
    {
      platform: "linux",
      isBun: false,
      want: { watchesBlockingCalls: true, reportedExit: "exit-with-backstop" },
    },
    {
      platform: "linux",
      isBun: true,
      want: { watchesBlockingCalls: true, reportedExit: "exit-with-backstop" },
    },
    // Entry construction does no IPC there; sh exists for the exit backstop.
    {
      platform: "darwin",
      isBun: true,
      want: { watchesBlockingCalls: false, reportedExit: "exit-with-backstop" },
    },
    // No sh on Windows: bun exits with its status, Node is terminated rather than wait at exit.
    { platform: "win32", isBun: true, want: { watchesBlockingCalls: false, reportedExit: "exit" } },
    { platform: "win32", isBun: false, want: { watchesBlockingCalls: false, reportedExit: "kill" } },
  ])("$platform (bun: $isBun)", ({ platform, isBun, want }) => {
    expect(watchdogPlan(platform, isBun)).toEqual(want);
  });
});

describe("startKeyringWatchdog", () => {
  let watchers: Array<{ deadlineMs: number; message: string; stopped: boolean }>;
  const startWatcher = (deadlineMs: number, message: string): Watcher => {
    const record = { deadlineMs, message, stopped: false };
    watchers.push(record);
    return {
      stop: () => {
        record.stopped = true;
      },
    };
  };
  let kill: ReturnType<typeof vi.spyOn>;
  let exit: ReturnType<typeof vi.spyOn>;
  let write: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    watchers = [];
    vi.useFakeTimers();
    kill = vi.spyOn(process, "kill").mockImplementation(() => true);
    exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("linux: a blocking call runs under the sh watcher, stopped when it returns", () => {
    const watchdog = startKeyringWatchdog(4000, "msg\n", { platform: "linux", startWatcher });
    expect(watchdog.guardBlocking(() => 42)).toBe(42);
    expect(watchers).toEqual([{ deadlineMs: 4000, message: "msg\n", stopped: true }]);
  });

  it("linux: the watcher is stopped when the blocking call throws too", () => {
    const watchdog = startKeyringWatchdog(4000, "msg\n", { platform: "linux", startWatcher });
    expect(() =>
      watchdog.guardBlocking(() => {
        throw new Error("no bus");
      }),
    ).toThrow("no bus");
    expect(watchers.map((watcher) => watcher.stopped)).toEqual([true]);
  });

  it.each(["darwin", "win32"])(
    "%s: a blocking call starts no process (entries do no IPC there)",
    (platform) => {
      const watchdog = startKeyringWatchdog(4000, "msg\n", { platform, startWatcher });
      expect(watchdog.guardBlocking(() => "entry")).toBe("entry");
      expect(watchers).toEqual([]);
    },
  );

  it.each(["linux", "darwin", "win32"])(
    "%s: an asynchronous call still pending at the deadline prints the message and is killed",
    async (platform) => {
      const watchdog = startKeyringWatchdog(4000, "msg\n", { platform, startWatcher });
      void watchdog.guard(() => new Promise(() => {}));
      await vi.advanceTimersByTimeAsync(3999);
      expect(kill).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(write).toHaveBeenCalledWith("msg\n");
      expect(kill).toHaveBeenCalledWith(process.pid, "SIGKILL");
      expect(exit).not.toHaveBeenCalled();
    },
  );

  it.each(["linux", "darwin", "win32"])(
    "%s: a call that settles in time disarms the timer",
    async (platform) => {
      const watchdog = startKeyringWatchdog(4000, "msg\n", { platform, startWatcher });
      await expect(watchdog.guard(async () => "ok")).resolves.toBe("ok");
      await vi.advanceTimersByTimeAsync(10_000);
      expect(kill).not.toHaveBeenCalled();
      expect(write).not.toHaveBeenCalled();
    },
  );

  it.each(["linux", "darwin"])(
    "%s: once reported, it exits with the status set, an sh watcher as backstop",
    async (platform) => {
      const watchdog = startKeyringWatchdog(4000, "msg\n", { platform, startWatcher });
      watchdog.markReported();
      void watchdog.guard(() => new Promise(() => {}));
      await vi.advanceTimersByTimeAsync(4000);
      expect(watchers).toEqual([{ deadlineMs: 1000, message: "", stopped: false }]);
      expect(exit).toHaveBeenCalled();
      expect(write).not.toHaveBeenCalled();
    },
  );

  it("win32 under Node: once reported, it is terminated at once, saying nothing more, starting nothing", async () => {
    const watchdog = startKeyringWatchdog(4000, "msg\n", { platform: "win32", startWatcher });
    watchdog.markReported();
    void watchdog.guard(() => new Promise(() => {}));
    await vi.advanceTimersByTimeAsync(4000);
    expect(watchers).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
    expect(kill).toHaveBeenCalledWith(process.pid, "SIGKILL");
  });
});

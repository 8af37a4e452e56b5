// A hard deadline for keychain calls. Connecting the native keyring to D-Bus is synchronous:
// a session bus that accepts but never answers blocks the event loop, so no timer can fire and
// git would wait forever. A worker thread sleeping on an Atomics word outlives that: when a call
// is still running at its deadline, the worker prints the error and kills the process.
// (A locked keyring's prompt survives AbortSignal and process.exit() too; only SIGKILL ends it.)

// [0] state: 0 idle, 1 armed; [1] deadline in ms; [2] arm generation; [3] 1 once the error was reported.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const state = new Int32Array(workerData.shared);
for (;;) {
  Atomics.wait(state, 0, 0);
  const generation = Atomics.load(state, 2);
  const outcome = Atomics.wait(state, 0, 1, Atomics.load(state, 1));
  if (outcome === "timed-out" && Atomics.load(state, 0) === 1 && Atomics.load(state, 2) === generation) {
    if (Atomics.load(state, 3) === 0) writeSync(2, workerData.message);
    process.kill(process.pid, "SIGKILL");
  }
}`;

export interface KeyringWatchdog {
  /** Runs `call` (sync or async) under the deadline; it stays armed until the call settles. */
  guard<T>(call: () => T): T;
  /** The caller already told the user; when the deadline kills the process, say nothing more. */
  markReported(): void;
}

export async function startKeyringWatchdog(deadlineMs: number, message: string): Promise<KeyringWatchdog> {
  // Imported on use: bun's binary loads every statically imported builtin at start-up.
  const { Worker } = await import("node:worker_threads");
  const state = new Int32Array(new SharedArrayBuffer(16));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared: state.buffer, message } });
  // Never the reason the process stays alive.
  worker.unref();
  let depth = 0;
  const arm = () => {
    if (depth++ > 0) return;
    Atomics.store(state, 1, deadlineMs);
    Atomics.add(state, 2, 1);
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  };
  const disarm = () => {
    if (--depth > 0) return;
    Atomics.store(state, 0, 0);
    Atomics.notify(state, 0);
  };
  return {
    markReported: () => Atomics.store(state, 3, 1),
    guard<T>(call: () => T): T {
      arm();
      let result: T;
      try {
        result = call();
      } catch (error) {
        disarm();
        throw error;
      }
      if (result instanceof Promise) return result.finally(disarm) as T;
      disarm();
      return result;
    },
  };
}

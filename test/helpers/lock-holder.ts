// One process of test/integration/lock-file.test.ts: waits until a common start time, then takes
// `lockPath` through withLockFile, with the production file seam, `rounds` times, and appends
// "enter NAME" and "leave NAME" to `marksPath` around each hold. Holders that overlap show as
// interleaved marks. Run by bun directly and by node from an esbuild bundle.
// `pauseMs` holds back the first look at the lock's age by that long, as a process descheduled
// right after it looked would: the waiters that found the lock abandoned then act one after the
// other, each on what it saw, and a takeover that trusts that look shows as overlapping holds.
// argv: lockPath marksPath name startAtMs rounds holdMs staleMs pauseMs
import { appendFileSync } from "node:fs";
import { withLockFile } from "../../src/lease-lock.js";
import type { Fs } from "../../src/platform/deps.js";
import { syncFs } from "../../src/platform/sync-fs.js";

const [lockPath = "", marksPath = "", name = "", startAt, rounds, holdMs, staleMs, pauseMs] =
  process.argv.slice(2);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
let paused = false;
const fs: Fs = {
  ...syncFs,
  stat: async (path) => {
    const stats = await syncFs.stat(path);
    if (path === lockPath && !paused) {
      paused = true;
      await sleep(Number(pauseMs));
    }
    return stats;
  },
};
const deps = { fs, clock: { now: Date.now, sleep }, uid: process.getuid?.() };

// A timer, then spinning: every process reaches the lock within the same millisecond or two.
await sleep(Number(startAt) - Date.now() - 20);
while (Date.now() < Number(startAt));
for (let round = 0; round < Number(rounds); round++) {
  await withLockFile(
    lockPath,
    { timeoutMs: 30_000, staleMs: Number(staleMs) },
    async () => {
      appendFileSync(marksPath, `enter ${name}\n`);
      await sleep(Number(holdMs));
      appendFileSync(marksPath, `leave ${name}\n`);
    },
    deps,
  );
}

// A lock that outlives a killed holder: a lease. git's lock (private-files.ts) is never taken
// over, because a git process is not killed from inside. A keychain call can hang on an unlock
// prompt, and the keychain watchdog then SIGKILLs the helper holding the lock, so another helper
// must be able to take that lock over, and exactly one must.
//
// The lease file is a log that is only ever appended to (O_APPEND: each line lands whole, and
// all processes see the lines in one order):
//   lock ID          the first line, written by the process that created the file (O_EXCL)
//   claim ID N BASE  a waiter's takeover of the file whose first line is BASE's, read with N lines
//   beat             the holder is alive (a timer appends one while the holder runs)
// The holder is the author of the last valid `lock` or `claim` line: `lock` is valid as line 0,
// `claim ID N BASE` as line N of the file that BASE's line opens. A waiter claims only a file it
// read and then found not appended to for staleMs, so its claim is valid only if nothing at all
// was appended since it read: of the waiters that judged one state stale, the first claim to
// land wins, and a beat or claim that lands first voids the others. Removing a stale file and
// creating a new one instead (or renaming it aside) cannot tell "the file I judged stale" from
// "the file another waiter created since", and two waiters both end up holding the lock.
// The holder removes the file when it is done, and only while it still holds it, so a holder
// that was taken over (it stalled past staleMs) never removes its successor's lock.
import { PatError } from "./errors.js";
import type { Deps, FileHandle } from "./platform/deps.js";
import { createExclusive, errorCode, type PrivateFileDeps, waitForLock } from "./private-files.js";

/** What a lease holder keeps: its id in the file and its O_APPEND handle on that file. */
interface Lease {
  id: string;
  handle: FileHandle;
}

/**
 * Runs `run` while holding the lease `lockPath`, for read-compare-write sequences on something
 * that has no lock of its own, such as the keychain. The holder stamps the file every
 * `staleMs / 4` (at most every MAX_BEAT_MS) while its event loop runs, and a file not stamped for
 * `staleMs` was left by a dead process and is taken over. So `staleMs` must exceed, by a beat, the
 * longest a live holder can go without running JavaScript (a blocking native call). A waiter
 * gives up after `timeoutMs`, but never before a dead holder's lease would have gone stale.
 */
export async function withLockFile<T>(
  lockPath: string,
  options: { timeoutMs: number; staleMs: number },
  run: () => Promise<T>,
  deps: PrivateFileDeps & Partial<Pick<Deps, "deferSignals">>,
): Promise<T> {
  const { staleMs } = options;
  const beatMs = Math.min(MAX_BEAT_MS, staleMs / 4);
  // As in rewritePrivateFile, each attempt runs with signals held back: a lease taken is released
  // before a signal ends the process, so the next process need not wait for it to go stale. What
  // runs under it is bounded (every keychain call has its timeout), so the signal waits that long
  // at most; the wait for another process's lease is not held back.
  const deferSignals = deps.deferSignals ?? ((work) => work());
  const done = await waitForLock(
    lockPath,
    Math.max(options.timeoutMs, staleMs + beatMs),
    deps,
    () => deferSignals(() => runUnderLease(lockPath, staleMs, run, deps)),
    // Not "remove it": a lease nobody renews is taken over by itself, so this one is in use.
    {
      hint: "another git-credential-pat process is using it (a keychain unlock prompt may be waiting); try again",
    },
  );
  return done.result;
}

/**
 * withLockFile's lease, taken at once or not at all: when it is free (or stale: its holder died)
 * `run` runs under it and its result comes back; when a live process holds it, undefined at
 * once. For work that one process doing is enough, such as learning about a token. Signals are
 * not held back while `run` runs: a lease a signal leaves behind goes stale after `staleMs`.
 */
export async function tryWithLockFile<T>(
  lockPath: string,
  options: { staleMs: number },
  run: () => Promise<T>,
  deps: PrivateFileDeps,
): Promise<{ result: T } | undefined> {
  return runUnderLease(lockPath, options.staleMs, run, deps);
}

/** One attempt at the lease: `run`'s result under it, or undefined when another holds it. */
async function runUnderLease<T>(
  lockPath: string,
  staleMs: number,
  run: () => Promise<T>,
  deps: PrivateFileDeps,
): Promise<{ result: T } | undefined> {
  const beatMs = Math.min(MAX_BEAT_MS, staleMs / 4);
  const lease = (await createLease(lockPath, deps)) ?? (await claimStaleLease(lockPath, staleMs, deps));
  if (lease === undefined) return undefined;
  // A real timer: the beat is for other processes, which judge it by the file's mtime.
  const beat = setInterval(() => void lease.handle.writeFile("beat\n").catch(() => {}), beatMs);
  beat.unref?.();
  try {
    return { result: await run() };
  } finally {
    clearInterval(beat);
    await releaseLease(lockPath, lease, deps).catch(() => {});
  }
}

/** How often a lease holder stamps its file, at most. */
const MAX_BEAT_MS = 500;

/**
 * The id of a lease file's holder (see above), undefined when it has none: a file whose
 * creator died before writing its line, or one created by a claim that found no file.
 */
export function leaseHolder(content: string): string | undefined {
  const lines = completeLines(content);
  const base = lines[0]?.split(" ")[1];
  let holder: string | undefined;
  lines.forEach((line, index) => {
    const [kind, id, readLines, claimedBase] = line.split(" ");
    if (kind === "lock" && index === 0) holder = id;
    if (kind === "claim" && readLines === String(index) && (index === 0 || claimedBase === base)) holder = id;
  });
  return holder;
}

/** The line a waiter appends to take over the lease file it read as `content`. */
export function claimLine(id: string, content: string): string {
  const lines = completeLines(content);
  return `claim ${id} ${lines.length} ${lines[0]?.split(" ")[1] ?? "-"}`;
}

/** The lines that have landed whole; a last line without its newline is still being written. */
function completeLines(content: string): string[] {
  return content.split("\n").slice(0, -1);
}

/** Creates the lease file and holds it, unless it exists (or a claim landed in it first). */
async function createLease(lockPath: string, deps: PrivateFileDeps): Promise<Lease | undefined> {
  const handle = await createExclusive(lockPath, "ax", deps);
  return handle && (await holdIfValid(lockPath, handle, `lock ${newLeaseId()}`, deps));
}

/** Takes over a lease file that nothing was appended to for `staleMs`, if this waiter's claim wins. */
async function claimStaleLease(
  lockPath: string,
  staleMs: number,
  deps: PrivateFileDeps,
): Promise<Lease | undefined> {
  // Read, then stat: a line appended in between shows in the mtime, so `content` is the state
  // that went stale.
  const content = await readLease(lockPath, deps);
  const stats = await deps.fs.stat(lockPath).catch(() => undefined);
  if (content === undefined || stats === undefined || deps.clock.now() - stats.mtimeMs <= staleMs)
    return undefined;
  // "a" creates the file if its holder removed it meanwhile (a holder that stalled past staleMs):
  // the claim then does not land as the line it names, and that file, with no holder, goes
  // stale in turn.
  const handle = await deps.fs.open(lockPath, "a", 0o600).catch((error: unknown) => {
    throw new PatError(`cannot open ${lockPath} (${errorCode(error) ?? "unknown error"})`, { cause: error });
  });
  return holdIfValid(lockPath, handle, claimLine(newLeaseId(), content), deps);
}

/** Appends `line` and reads the file back: the lease is ours if that made us its holder. */
async function holdIfValid(
  lockPath: string,
  handle: FileHandle,
  line: string,
  deps: PrivateFileDeps,
): Promise<Lease | undefined> {
  const id = line.split(" ")[1] ?? "";
  try {
    await handle.writeFile(`${line}\n`);
  } catch (error) {
    await handle.close().catch(() => {});
    throw new PatError(`cannot write ${lockPath} (${errorCode(error) ?? "unknown error"})`, { cause: error });
  }
  const content = await readLease(lockPath, deps).catch(async (error: unknown) => {
    await handle.close().catch(() => {});
    throw error;
  });
  if (leaseHolder(content ?? "") === id) return { id, handle };
  await handle.close().catch(() => {});
  return undefined;
}

/** Removes the lease file if this process still holds it. */
async function releaseLease(lockPath: string, lease: Lease, deps: PrivateFileDeps): Promise<void> {
  try {
    if (leaseHolder((await readLease(lockPath, deps)) ?? "") === lease.id) await deps.fs.unlink(lockPath);
  } finally {
    await lease.handle.close();
  }
}

/** The lease file's text; undefined when there is none. */
async function readLease(lockPath: string, deps: PrivateFileDeps): Promise<string | undefined> {
  try {
    return (await deps.fs.readFile(lockPath)).toString("utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new PatError(`cannot read ${lockPath} (${errorCode(error) ?? "unknown error"})`, { cause: error });
  }
}

function newLeaseId(): string {
  return globalThis.crypto.randomUUID();
}

// Shared by stores/ and cache/: private directories and files, checked before they are trusted.
// Files only this user can read, written atomically under git's lockfile protocol
// (`FILE.lock` created O_EXCL, filled, renamed over FILE), so git's own credential-store
// and many concurrent helpers can share one file without losing a line.
import { BackendUnavailableError, PatError } from "./errors.js";
import type { Clock, Deps, FileHandle, Fs } from "./platform/deps.js";
import { dirnamePath, joinPath } from "./posix-path.js";

export interface PrivateFileDeps {
  fs: Fs;
  clock: Clock;
  uid: number | undefined;
}

/** A writer also holds signals back while it holds a lock (rewritePrivateFile). */
export type RewriteDeps = PrivateFileDeps & Pick<Deps, "deferSignals">;

/** "private": no group/other bits at all (our own directories); "shared-parent": only no group/other write (e.g. $HOME). */
export type DirPolicy = "private" | "shared-parent";

/** "0644": a mode as people type it for chmod. */
export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** The `code` of a Node system error (ENOENT, EEXIST…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

/**
 * Creates `dir` 0700 if missing (the mode is set at creation, not chmod-ed after: git's
 * init_socket_directory race), then refuses it if someone else owns it or could use it.
 */
export async function ensurePrivateDir(dir: string, policy: DirPolicy, deps: PrivateFileDeps): Promise<void> {
  await deps.fs.mkdir(dir, { recursive: true, mode: 0o700 });
  checkPrivateDir(dir, await deps.fs.stat(dir), policy, deps.uid);
}

/** Refuses a directory someone else owns or could use (see ensurePrivateDir). */
export function checkPrivateDir(
  dir: string,
  stats: Awaited<ReturnType<Fs["stat"]>>,
  policy: DirPolicy,
  uid: number | undefined,
): void {
  if (!stats.isDirectory()) throw new BackendUnavailableError(`${dir} is not a directory; move it aside`);
  if (uid !== undefined && stats.uid !== uid) {
    throw new BackendUnavailableError(
      `${dir} is owned by another user (uid ${stats.uid}); refusing to use it`,
    );
  }
  // A sticky directory (/tmp) is shared by design: chmod-ing it is never the fix.
  if ((stats.mode & 0o1000) !== 0 && (stats.mode & 0o002) !== 0) {
    throw new BackendUnavailableError(
      `${dir} is a directory every user shares (mode ${(stats.mode & 0o7777).toString(8)}); use a directory of your own`,
    );
  }
  const unsafeBits = policy === "private" ? 0o077 : 0o022;
  if ((stats.mode & unsafeBits) !== 0) {
    const fix = policy === "private" ? "0700" : "go-w";
    throw new BackendUnavailableError(
      `${dir} is accessible by other users (mode ${octal(stats.mode)}); run "chmod ${fix} ${dir}"`,
    );
  }
}

/**
 * The file a chain of symbolic links at `path` leads to (at most 5, as git's resolve_symlink),
 * or `path` itself when it is no link or does not exist. A file kept under a link (a dotfiles
 * repository's ~/.git-credentials) is rewritten where it really is, with git's lock beside it, so
 * the link stays and git's own credential-store and we take the same lock.
 */
export async function resolveSymlinks(path: string, fs: Pick<Fs, "lstat" | "readlink">): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 5; hops++) {
    const stats = await fs.lstat(current).catch(() => undefined);
    if (!stats?.isSymbolicLink()) return current;
    const target = await fs.readlink(current);
    current = target.startsWith("/") ? target : joinPath(dirnamePath(current), target);
  }
  throw new PatError(
    `${path} is a chain of more than 5 symbolic links; point the setting at the file itself`,
  );
}

/** Reads a file that must be ours and 0600-like; undefined when it does not exist. */
export async function readPrivateFile(path: string, deps: PrivateFileDeps): Promise<Buffer | undefined> {
  let stats: Awaited<ReturnType<Fs["stat"]>>;
  try {
    stats = await deps.fs.stat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new PatError(`cannot read ${path} (${errorCode(error) ?? "unknown error"})`, { cause: error });
  }
  if (stats.isDirectory()) throw new BackendUnavailableError(`${path} is a directory; name a file instead`);
  if (!stats.isFile()) throw new BackendUnavailableError(`${path} is not a regular file; move it aside`);
  if (deps.uid !== undefined && stats.uid !== deps.uid) {
    throw new BackendUnavailableError(
      `${path} is owned by another user (uid ${stats.uid}); refusing to use it`,
    );
  }
  if ((stats.mode & 0o077) !== 0) {
    throw new BackendUnavailableError(
      `${path} is readable by other users (mode ${octal(stats.mode)}); run "chmod 600 ${path}"`,
    );
  }
  return deps.fs.readFile(path);
}

/** What a rewrite makes of a file: new content, undefined to leave it, null to remove it. */
export type Rewrite = string | undefined | null;

export interface RewriteOptions {
  /** How long to wait for another writer's lock before giving up. */
  lockTimeoutMs: number;
}

/**
 * Read-modify-write under `path.lock`. `rewrite` receives the current content (read after
 * the lock is held) and returns the new content, undefined to leave the file untouched, or null
 * to remove it; it may do other work while the lock is held (a command changing the store with
 * accounts.json). On any failure the lock is removed and the old file is left exactly as it was.
 *
 * SIGINT/SIGTERM/SIGHUP are held back from the moment the lock is created until it is renamed
 * or removed (deps.deferSignals), then take effect: a signal never leaves the lock behind (every
 * later writer would wait for it and fail), and the file is the old one or the new one. The
 * wait for another writer's lock is not held back: a signal then ends the process at once.
 */
export async function rewritePrivateFile(
  path: string,
  rewrite: (current: Buffer | undefined) => Rewrite | Promise<Rewrite>,
  options: RewriteOptions,
  deps: RewriteDeps,
): Promise<void> {
  const lockPath = `${path}.lock`;
  // Each attempt, not the whole wait, runs with signals held: the lock is created, used and
  // released inside one, and a failed attempt lets a held signal through at once.
  await waitForLock(
    lockPath,
    options.lockTimeoutMs,
    deps,
    () =>
      deps.deferSignals(async () => {
        const lock = await createExclusive(lockPath, "wx", deps);
        if (lock === undefined) return undefined;
        await rewriteUnderLock(path, lockPath, lock, rewrite, deps);
        return true;
      }),
    // git's lock is never taken over: git removes a stale one by hand, and so do we.
    { hint: `if no git or git-credential-pat process is running, remove it: rm "${lockPath}"` },
  );
}

/** The body of rewritePrivateFile, with `lock` (O_EXCL, ours) held. */
async function rewriteUnderLock(
  path: string,
  lockPath: string,
  lock: FileHandle,
  rewrite: (current: Buffer | undefined) => Rewrite | Promise<Rewrite>,
  deps: PrivateFileDeps,
): Promise<void> {
  let committed = false;
  try {
    const current = await readPrivateFile(path, deps);
    const next = await rewrite(current);
    if (next === undefined) return;
    if (next === null) {
      if (current !== undefined) await deps.fs.unlink(path);
      return;
    }
    try {
      await lock.writeFile(next);
      await lock.sync();
    } catch (error) {
      throw new PatError(
        `cannot write ${path} (${errorCode(error) ?? "unknown error"}); stored credentials are unchanged`,
        {
          cause: error,
        },
      );
    }
    await lock.close();
    await deps.fs.rename(lockPath, path);
    committed = true;
  } finally {
    if (!committed) {
      await lock.close().catch(() => {});
      await deps.fs.unlink(lockPath).catch(() => {});
    }
  }
}

/** Tries `attempt` until it returns the lock, with a short backoff, for at most `timeoutMs`. */
async function waitForLock<L>(
  lockPath: string,
  timeoutMs: number,
  deps: PrivateFileDeps,
  attempt: () => Promise<L | undefined>,
  advice: { hint: string },
): Promise<L> {
  const deadline = deps.clock.now() + timeoutMs;
  let backoffMs = 1;
  for (;;) {
    const lock = await attempt();
    if (lock !== undefined) return lock;
    if (deps.clock.now() >= deadline) {
      throw new PatError(`${lockPath} is held by another process (waited ${timeoutMs} ms)`, advice);
    }
    await deps.clock.sleep(backoffMs);
    backoffMs = Math.min(backoffMs * 2, 25);
  }
}

/** Creates `lockPath` 0600, failing if it exists (O_EXCL); undefined when it does. */
async function createExclusive(
  lockPath: string,
  flags: "wx" | "ax",
  deps: PrivateFileDeps,
): Promise<FileHandle | undefined> {
  try {
    return await deps.fs.open(lockPath, flags, 0o600);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return undefined;
    throw new PatError(`cannot create ${lockPath} (${errorCode(error) ?? "unknown error"})`, {
      cause: error,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// A lock that outlives a killed holder: a lease. git's lock above is never taken over, because
// a git process is not killed from inside. A keychain call can hang on an unlock prompt, and the
// keychain watchdog then SIGKILLs the helper holding the lock, so another helper must be able
// to take that lock over, and exactly one must.
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

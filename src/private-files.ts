// Shared by stores/ and cache/: private directories and files, checked before they are trusted.
// Files only this user can read, written atomically under git's lockfile protocol
// (`FILE.lock` created O_EXCL, filled, renamed over FILE), so git's own credential-store
// and many concurrent helpers can share one file without losing a line.
import { BackendUnavailableError, PatError } from "./errors.js";
import type { Clock, Fs } from "./platform/deps.js";

export interface PrivateFileDeps {
  fs: Fs;
  clock: Clock;
  uid: number | undefined;
}

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
  const unsafeBits = policy === "private" ? 0o077 : 0o022;
  if ((stats.mode & unsafeBits) !== 0) {
    const fix = policy === "private" ? "0700" : "go-w";
    throw new BackendUnavailableError(
      `${dir} is accessible by other users (mode ${octal(stats.mode)}); run "chmod ${fix} ${dir}"`,
    );
  }
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

export interface RewriteOptions {
  /** How long to wait for another writer's lock before giving up. */
  lockTimeoutMs: number;
}

/**
 * Read-modify-write under `path.lock`. `rewrite` receives the current content (read after
 * the lock is held) and returns the new content, or undefined to leave the file untouched; it
 * may do other work while the lock is held (a command changing the store with accounts.json).
 * On any failure the lock is removed and the old file is left exactly as it was.
 */
export async function rewritePrivateFile(
  path: string,
  rewrite: (current: Buffer | undefined) => string | undefined | Promise<string | undefined>,
  options: RewriteOptions,
  deps: PrivateFileDeps,
): Promise<void> {
  const lockPath = `${path}.lock`;
  const lock = await acquireLock(lockPath, options.lockTimeoutMs, deps);
  let committed = false;
  try {
    const next = await rewrite(await readPrivateFile(path, deps));
    if (next === undefined) return;
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

/**
 * Runs `run` while holding `lockPath` (created O_EXCL, removed afterwards), for read-compare-write
 * sequences on something that has no lock of its own, such as the keychain. A lock older than
 * `staleMs` was left by a killed process (the keychain watchdog SIGKILLs a helper stuck in a
 * call) and is taken over.
 */
export async function withLockFile<T>(
  lockPath: string,
  options: { timeoutMs: number; staleMs: number },
  run: () => Promise<T>,
  deps: PrivateFileDeps,
): Promise<T> {
  const lock = await acquireLock(lockPath, options.timeoutMs, deps, options.staleMs);
  try {
    return await run();
  } finally {
    await lock.close().catch(() => {});
    await deps.fs.unlink(lockPath).catch(() => {});
  }
}

async function acquireLock(lockPath: string, timeoutMs: number, deps: PrivateFileDeps, staleMs?: number) {
  const deadline = deps.clock.now() + timeoutMs;
  let backoffMs = 1;
  for (;;) {
    try {
      return await deps.fs.open(lockPath, "wx", 0o600);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") {
        throw new PatError(`cannot create ${lockPath} (${errorCode(error) ?? "unknown error"})`, {
          cause: error,
        });
      }
    }
    if (staleMs !== undefined) {
      const held = await deps.fs.stat(lockPath).catch(() => undefined);
      if (held && deps.clock.now() - held.mtimeMs > staleMs) {
        await deps.fs.unlink(lockPath).catch(() => {});
        continue;
      }
    }
    if (deps.clock.now() >= deadline) {
      throw new PatError(`${lockPath} is held by another process (waited ${timeoutMs} ms)`, {
        hint: `if no git or git-credential-pat process is running, remove it: rm "${lockPath}"`,
      });
    }
    await deps.clock.sleep(backoffMs);
    backoffMs = Math.min(backoffMs * 2, 25);
  }
}

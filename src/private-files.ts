// Shared by stores/, cache/, accounts/, config/, git/ and the commands: private directories and
// files, checked before they are trusted. Files only this user can read, written atomically under
// git's lockfile protocol (`FILE.lock` created O_EXCL, filled, renamed over FILE), so git's own
// credential-store and many concurrent helpers can share one file without losing a line.
// A lock that can be taken over from a killed holder is lease-lock.ts.
// On Windows (no uid: Deps.uid) there is no owner or mode to check: NTFS reports 0666/0777 for
// every file. What keeps our files private there is the owner-only ACL our directory gets when it
// is created (platform/windows-fs.ts), inherited by every file written in it; a user-chosen
// file elsewhere (~/.git-credentials) has the user profile's ACL (the user, SYSTEM, Administrators).
import { BackendUnavailableError, PatError } from "./errors.js";
import type { Clock, Deps, FileHandle, Fs } from "./platform/deps.js";
import { dirnamePath, isAbsolutePath, joinPath, normalizeAbsolutePath } from "./posix-path.js";

export interface PrivateFileDeps {
  fs: Fs;
  clock: Clock;
  /** undefined on Windows: no owner or mode is checked there (see the header). */
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
 * init_socket_directory race; on Windows the platform's mkdir gives it an owner-only ACL
 * instead), then refuses it if someone else owns it or could use it.
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
  // Windows: no owner or mode to check (see the header).
  if (uid === undefined) return;
  if (stats.uid !== uid) {
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
  // `path` is absolute as this platform spells it ("/…", or "C:/…" on Windows): so is a target.
  const style = isAbsolutePath(path, "win32") ? "win32" : "posix";
  let current = path;
  for (let hops = 0; hops < 5; hops++) {
    const stats = await fs.lstat(current).catch(() => undefined);
    if (!stats?.isSymbolicLink()) return current;
    const target = await fs.readlink(current);
    if (style === "posix") current = target.startsWith("/") ? target : joinPath(dirnamePath(current), target);
    else
      current =
        normalizeAbsolutePath(target, style) ?? joinPath(dirnamePath(current), target.replaceAll("\\", "/"));
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
  // Windows: NTFS has no mode bits to check (see the header).
  if (deps.uid !== undefined && (stats.mode & 0o077) !== 0) {
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
export async function waitForLock<L>(
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
export async function createExclusive(
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

// Where the cache daemon listens, and the checks made before trusting that place
// (git's init_socket_directory: the directory must be ours and 0700). On Windows the path only
// names a pipe (Deps.ipc "named-pipe"): there is no file and no directory to check.

import { BackendUnavailableError } from "../errors.js";
import type { Fs, IpcRules } from "../platform/deps.js";
import { dirnamePath, joinPath } from "../posix-path.js";
import { checkPrivateDir, ensurePrivateDir, type PrivateFileDeps } from "../private-files.js";
import { APP_DIR, type Paths } from "../settings.js";

export interface SocketPathDeps extends PrivateFileDeps {
  ipc: IpcRules;
}

export function defaultSocketPath(paths: Paths): string {
  return joinPath(paths.runtimeDir ?? paths.xdgCacheHome, APP_DIR, "socket");
}

/**
 * Whether `socketPath` is absolute, as the daemon and its registry need it (the daemon runs in
 * "/", so a relative path would mean something else there): `/…`, and on Windows (a named pipe's
 * path only names it) also a drive's `C:\…` or `C:/…`.
 */
export function isAbsoluteSocketPath(socketPath: string, ipc: IpcRules): boolean {
  return socketPath.startsWith("/") || (ipc.kind === "named-pipe" && /^[A-Za-z]:[\\/]/.test(socketPath));
}

/** "pipe": a named pipe, which only a connect can find (Windows). */
export type SocketState = "absent" | "socket" | "pipe";

/**
 * Checks the socket's directory (private, ours) and the path itself: absent, or a socket
 * owned by us. Anything else (a regular file, a directory, someone else's socket) is refused.
 * With `create`, a missing directory is created 0700. A path too long for sun_path is refused
 * (exit 5, as an unsafe directory is: the cache cannot be used there, and a setting fixes it).
 *
 * A named pipe (Windows) is not in the file system: nothing is created or checked, and the
 * state is "pipe". What protects it instead is said in docs/cache.md "On Windows": the pipe's
 * default DACL (only its creator, SYSTEM and administrators may write to it or add instances) and
 * first-instance creation (a daemon never shares a name someone else made).
 */
export async function checkSocketPath(
  socketPath: string,
  options: { create: boolean },
  deps: SocketPathDeps,
): Promise<SocketState> {
  if (deps.ipc.kind === "named-pipe") return "pipe";
  const maxBytes = deps.ipc.maxPathBytes;
  if (Buffer.byteLength(socketPath) > maxBytes) {
    // libuv would cut it to fit and listen there (uv_pipe_bind), and no client would find it.
    throw new BackendUnavailableError(
      `socket path ${socketPath} is longer than ${maxBytes} bytes; pick a shorter --socket`,
    );
  }
  const dir = dirnamePath(socketPath);
  if (options.create) await ensurePrivateDir(dir, "private", deps);
  else {
    // Checked without creating anything: a get or erase with no daemon leaves no trace.
    const dirStats = await statOrUndefined(dir, deps);
    if (!dirStats) return "absent";
    checkPrivateDir(dir, dirStats, "private", deps.uid);
  }
  // stat, not lstat: the directory is private to us, so a symlink there is one we made.
  const stats = await statOrUndefined(socketPath, deps);
  if (!stats) return "absent";
  if (!stats.isSocket()) {
    throw new BackendUnavailableError(`${socketPath} is not a socket; remove it or pick another --socket`);
  }
  if (deps.uid !== undefined && stats.uid !== deps.uid) {
    throw new BackendUnavailableError(
      `${socketPath} belongs to another user (uid ${stats.uid}); refusing to use it`,
    );
  }
  return "socket";
}

type FileStats = Awaited<ReturnType<Fs["stat"]>>;

function statOrUndefined(path: string, deps: PrivateFileDeps): Promise<FileStats | undefined> {
  return deps.fs.stat(path).catch(() => undefined);
}

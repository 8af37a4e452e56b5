// Where the cache daemon listens, and the checks made before trusting that place
// (git's init_socket_directory: the directory must be ours and 0700).

import { BackendUnavailableError } from "../errors.js";
import type { Fs } from "../platform/deps.js";
import { dirnamePath, joinPath } from "../posix-path.js";
import { checkPrivateDir, ensurePrivateDir, type PrivateFileDeps } from "../private-files.js";
import { APP_DIR, type Paths } from "../settings.js";

/** Unix socket paths are limited to 107 bytes on Linux (sun_path). */
const MAX_SOCKET_PATH_BYTES = 107;

export function defaultSocketPath(paths: Paths): string {
  return joinPath(paths.runtimeDir ?? paths.xdgCacheHome, APP_DIR, "socket");
}

export type SocketState = "absent" | "socket";

/**
 * Checks the socket's directory (private, ours) and the path itself: absent, or a socket
 * owned by us. Anything else (a regular file, a directory, someone else's socket) is refused.
 * With `create`, a missing directory is created 0700.
 */
export async function checkSocketPath(
  socketPath: string,
  options: { create: boolean },
  deps: PrivateFileDeps,
): Promise<SocketState> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new BackendUnavailableError(
      `socket path ${socketPath} is longer than ${MAX_SOCKET_PATH_BYTES} bytes; pick a shorter --socket`,
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

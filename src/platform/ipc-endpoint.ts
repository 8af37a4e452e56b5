// Where the cache daemon listens, per platform: a Unix socket at the path (Linux, macOS), or on
// Windows a named pipe whose name is derived from the user and the path (docs/cache.md "On
// Windows"). Pure: node-deps.ts picks the rules from process.platform, tests from any platform.
import { sha256Hex } from "../secret.js";
import type { IpcRules } from "./deps.js";

/**
 * sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, the terminating NUL
 * included (<sys/un.h>). A longer path is not refused by Node: libuv copies what fits, so the
 * daemon would listen on a truncated path (measured on Node 20), and the client never find it.
 */
const SUN_PATH_BYTES: Readonly<Record<string, number>> = { linux: 108, darwin: 104 };
/** The BSDs' 104: the smaller of the two, for a POSIX platform not named above. */
const DEFAULT_SUN_PATH_BYTES = 104;

/** The cache transport's rules on `platform` (a process.platform value). */
export function ipcRules(platform: string): IpcRules {
  // Node's and bun's `net` listen on a named pipe on Windows, never on an AF_UNIX path (libuv).
  if (platform === "win32") return { kind: "named-pipe" };
  return { kind: "unix-socket", maxPathBytes: (SUN_PATH_BYTES[platform] ?? DEFAULT_SUN_PATH_BYTES) - 1 };
}

const PIPE_PREFIX = "\\\\.\\pipe\\";

/**
 * The pipe a daemon for `socketPath` listens on: `\\.\pipe\git-credential-pat-USER-HASH`, HASH
 * from the user and the path, so each --socket has its own daemon (and `exit` reaches it) and two
 * users naming the same path never meet. Both are compared as Windows compares them: names and
 * paths case-insensitively, `/` and `\` alike. The user's part is only there to be read (in a
 * pipe listing); the hash carries the whole name.
 */
export function pipeName(socketPath: string, user: string): string {
  const key = `${user.toLowerCase()}\n${socketPath.replaceAll("/", "\\").toLowerCase()}`;
  const readableUser = user.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 32);
  return `${PIPE_PREFIX}git-credential-pat-${readableUser}-${sha256Hex(key).slice(0, 32)}`;
}

/** What `net` listens on or connects to for `socketPath`: the path itself, or its pipe. */
export function ipcEndpoint(socketPath: string, rules: IpcRules, user: () => string): string {
  return rules.kind === "named-pipe" ? pipeName(socketPath, user()) : socketPath;
}

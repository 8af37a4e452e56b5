// Which cache daemons of this user are running, so that people's commands (logout, rotate) reach
// every one of them, a daemon on a custom --socket included. One small file per daemon in a
// private directory: written (0600, atomically) once the daemon listens, removed before it stops
// listening. A record holds the socket path and nothing else: never a token.
import type { IpcRules, Logger } from "../platform/deps.js";
import { joinPath } from "../posix-path.js";
import {
  checkPrivateDir,
  ensurePrivateDir,
  errorCode,
  type PrivateFileDeps,
  readPrivateFile,
} from "../private-files.js";
import type { Credential } from "../protocol/index.js";
import { sha256Hex } from "../secret.js";
import { APP_DIR, type Paths } from "../settings.js";
import { type CacheClientDeps, SocketCacheClient } from "./client.js";
import { isAbsoluteSocketPath } from "./socket-path.js";

export interface RegistryDeps extends PrivateFileDeps {
  paths: Paths;
  /** Which socket paths a record may hold (Windows: a drive's path too). */
  ipc: IpcRules;
}

/** `$XDG_RUNTIME_DIR/git-credential-pat/daemons`, else `$XDG_CACHE_HOME/git-credential-pat/daemons`. */
export function daemonRegistryDir(paths: Paths): string {
  return joinPath(paths.runtimeDir ?? paths.xdgCacheHome, APP_DIR, "daemons");
}

/**
 * Every registry a daemon of this user may have written to: a daemon started where there is no
 * runtime directory (cron, some ssh sessions) registered in the cache directory instead.
 */
export function daemonRegistryDirs(paths: Paths): string[] {
  return [...new Set([daemonRegistryDir(paths), daemonRegistryDir({ ...paths, runtimeDir: undefined })])];
}

/** One daemon's record: its file in the registry, and the socket path it holds (undefined: unreadable). */
export interface DaemonRecord {
  file: string;
  socketPath: string | undefined;
}

/**
 * Records that a daemon listens on `socketPath`; returns what removes that record again.
 * The file is named by a hash of the socket path (records of one socket sort together) and a
 * random part of its own, so a daemon only ever removes its own record: one that replaced a
 * killed daemon's socket, or started the moment an old one stopped, keeps its record.
 */
export async function registerDaemon(socketPath: string, deps: RegistryDeps): Promise<() => Promise<void>> {
  const dir = daemonRegistryDir(deps.paths);
  await ensurePrivateDir(dir, "private", deps);
  const id = globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const name = `${sha256Hex(socketPath).slice(0, 16)}-${id}`;
  const file = joinPath(dir, name);
  const temp = joinPath(dir, `.${name}.tmp`);
  // Written whole beside it (created 0600, never there before: "wx"), then renamed into place, so
  // a reader never sees half a path.
  try {
    await deps.fs.writeFile(temp, `${socketPath}\n`, { mode: 0o600, flag: "wx" });
    await deps.fs.rename(temp, file);
  } catch (error) {
    await deps.fs.unlink(temp).catch(() => {});
    throw error;
  }
  return async () => {
    await deps.fs.unlink(file).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") throw error;
    });
  };
}

/**
 * Every record in the registries (daemonRegistryDirs); none when they do not exist (no daemon ever
 * registered).
 * Refuses a registry directory another user could write to (it names sockets we connect to).
 */
export async function readDaemonRecords(deps: RegistryDeps): Promise<DaemonRecord[]> {
  const records: DaemonRecord[] = [];
  for (const dir of daemonRegistryDirs(deps.paths)) records.push(...(await readRegistry(dir, deps)));
  return records;
}

/**
 * Whether a record names `socketPath`: a daemon of ours listens there, or did until it was killed.
 * An unreadable registry is a no.
 */
export async function hasDaemonRecord(socketPath: string, deps: RegistryDeps): Promise<boolean> {
  const records: DaemonRecord[] = [];
  for (const dir of daemonRegistryDirs(deps.paths).filter((dir) => isTrustedRegistry(dir, deps))) {
    records.push(...(await readRegistry(dir, deps).catch(() => [])));
  }
  return records.some((record) => record.socketPath === socketPath);
}

/**
 * Whether a registry may vouch for a socket we send a token to. On Windows nothing tells us who
 * made a directory (no owner check, see private-files.ts), and any user may create one at the root
 * of a drive: so only a registry inside the user's profile counts there, where others cannot write.
 */
function isTrustedRegistry(dir: string, deps: RegistryDeps): boolean {
  if (deps.ipc.kind !== "named-pipe") return true;
  const home = deps.paths.home.replace(/\/+$/, "").toLowerCase();
  return dir.toLowerCase().startsWith(`${home}/`);
}

async function readRegistry(dir: string, deps: RegistryDeps): Promise<DaemonRecord[]> {
  const stats = await deps.fs.stat(dir).catch((error: unknown) => {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  });
  if (stats === undefined) return [];
  checkPrivateDir(dir, stats, "private", deps.uid);
  const names = (await deps.fs.readdir(dir)).filter((name) => !name.startsWith(".")).sort();
  const records: DaemonRecord[] = [];
  for (const name of names) {
    const file = joinPath(dir, name);
    const content = await readPrivateFile(file, deps).catch(() => undefined);
    records.push({ file, socketPath: content === undefined ? undefined : parseRecord(content, deps.ipc) });
  }
  return records;
}

/** The socket path a record holds: one absolute path on one line; anything else is not a record. */
function parseRecord(content: Buffer, ipc: IpcRules): string | undefined {
  const text = content.toString("utf8");
  if (!text.endsWith("\n")) return undefined;
  const path = text.slice(0, -1);
  return isAbsoluteSocketPath(path, ipc) && !/\p{Cc}/u.test(path) ? path : undefined;
}

/** A daemon that may still hold a removed token: where it listens, and why it was not cleared. */
export interface UnclearedDaemon {
  socketPath: string;
  reason: string;
}

export interface EraseEverywhereResult {
  /** Sockets where a daemon answered and erased. */
  cleared: string[];
  uncleared: UnclearedDaemon[];
  /** The registry could not be read (another user can write to it): only the default socket was tried. */
  registryProblem: string | undefined;
}

export type EraseEverywhereDeps = RegistryDeps & CacheClientDeps & { log: Logger };

/**
 * Erases every pattern from every running daemon of this user: the ones on `defaultSockets` and
 * each one the registry names, all at once, each exchange bounded by `timeoutMs`. A record whose
 * socket has no daemon any more (gone, or a socket nobody listens on) is removed; a daemon that
 * does not answer in time, or whose socket path is unsafe, is reported, never waited for longer.
 */
export async function eraseFromEveryDaemon(
  defaultSockets: readonly string[],
  patterns: readonly Credential[],
  options: { timeoutMs: number },
  deps: EraseEverywhereDeps,
): Promise<EraseEverywhereResult> {
  let records: DaemonRecord[] = [];
  let registryProblem: string | undefined;
  try {
    records = await readDaemonRecords(deps);
  } catch (error) {
    registryProblem = describeError(error);
  }
  const broken = records.filter((record) => record.socketPath === undefined);
  const sockets = [...new Set([...defaultSockets, ...records.flatMap((record) => record.socketPath ?? [])])];
  const outcomes = await Promise.all(
    sockets.map(async (socketPath) => {
      const client = new SocketCacheClient({ socketPath, timeoutMs: options.timeoutMs }, deps);
      try {
        return { socketPath, state: await client.eraseEach(patterns) } as const;
      } catch (error) {
        return { socketPath, state: "failed", reason: describeError(error) } as const;
      }
    }),
  );
  const gone = new Set(
    outcomes.flatMap((outcome) => (outcome.state === "absent" ? [outcome.socketPath] : [])),
  );
  const stale = [
    ...broken,
    ...records.filter((record) => record.socketPath !== undefined && gone.has(record.socketPath)),
  ];
  for (const record of stale) {
    await deps.fs.unlink(record.file).catch((error: unknown) => {
      deps.log.debug(`daemon registry: cannot remove ${record.file} (${errorCode(error) ?? "error"})`);
    });
  }
  return {
    cleared: outcomes.flatMap((outcome) => (outcome.state === "erased" ? [outcome.socketPath] : [])),
    uncleared: outcomes.flatMap((outcome) =>
      outcome.state === "failed" ? [{ socketPath: outcome.socketPath, reason: outcome.reason }] : [],
    ),
    registryProblem,
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The cache daemon: holds tokens in memory only, on a Unix socket in a private directory.
// Started detached by the first `store`; exits when empty (after a grace period), on `exit`,
// or when stopped. It never writes a token anywhere, and never logs a request.
import { BackendUnavailableError } from "../errors.js";
import { withLockFile } from "../lease-lock.js";
import type { Clock, Deps, Logger, UnixServer } from "../platform/deps.js";
import { errorCode } from "../private-files.js";
import { MAX_REQUEST_BYTES } from "../protocol/index.js";
import { MAX_TIMER_MS } from "../settings.js";
import { CacheTable } from "./cache-table.js";
import { createCacheHandlers } from "./daemon-handlers.js";
import { checkSocketPath, type SocketPathDeps } from "./socket-path.js";
import { decodeCacheRequest } from "./wire.js";

export interface DaemonOptions {
  socketPath: string;
  /** How long an empty daemon waits for a new entry before exiting (git: 30 s). */
  graceMs: number;
  /**
   * A connection lasts at most this long from accept, however it trickles (slowloris guard):
   * the client sends its request and reads the answer within it.
   */
  requestTimeoutMs: number;
  /** Told once the daemon listens, and when it stops, before it stops listening (the daemon registry). */
  lifecycle?: DaemonLifecycle;
}

export interface DaemonLifecycle {
  listening(): Promise<void>;
  stopping(): Promise<void>;
}

export type DaemonDeps = SocketPathDeps & Pick<Deps, "log" | "createUnixServer" | "probeUnixSocket">;

export interface RunningDaemon {
  /** Resolves when the daemon has stopped and removed its socket. */
  closed: Promise<void>;
  stop(): void;
}

/**
 * The socket lock (see takeOverSocket) is held for one probe (at most PROBE_TIMEOUT_MS) and a few
 * file operations, so one older than staleMs was left by a daemon killed while holding it. The
 * wait stays under the 3 s a `store` gives a daemon to start (daemon-spawn.ts DAEMON_START_TIMEOUT_MS).
 */
const SOCKET_LOCK = { timeoutMs: 2500, staleMs: 2000 };
const PROBE_TIMEOUT_MS = 500;

export async function startCacheDaemon(options: DaemonOptions, deps: DaemonDeps): Promise<RunningDaemon> {
  const table = new CacheTable();
  let stop = () => {};
  const handlers = createCacheHandlers(table, () => stop());
  const server = deps.createUnixServer({
    requestTimeoutMs: options.requestTimeoutMs,
    // git's request and, on top, wire.ts's action= and timeout= lines.
    maxRequestBytes: MAX_REQUEST_BYTES + 64,
    answer: (bytes) => {
      const decoded = decodeCacheRequest(bytes);
      if (decoded.kind === "invalid") {
        deps.log.debug(`cache daemon: dropped an invalid request (${decoded.reason})`);
        return "";
      }
      const reply = handlers[decoded.request.action](decoded.request, deps.clock.now());
      wake.schedule();
      return reply;
    },
  });
  const wake = expiryTimer(table, options.graceMs, server, () => stop(), deps.clock);

  let stopped = false;
  const closed = new Promise<void>((resolve) => {
    stop = () => {
      if (stopped) return;
      stopped = true;
      wake.cancel();
      // The registry record goes first, while the socket is still ours: a daemon that takes the
      // socket over once we close registers after that, and its record is never the one removed.
      // Closing unlinks the socket path before the listener closes, so a daemon starting meanwhile
      // finds our socket listening or gone, never stale. No unlink of our own after it: by then
      // the path may be a newer daemon's.
      void settle(options.lifecycle?.stopping(), "stopping", deps.log)
        .then(() => server.close())
        .then(resolve);
    };
  });
  await takeOverSocket(server, options.socketPath, deps);
  // A daemon nobody can find is still a cache: a failed registration is logged, never fatal.
  await settle(options.lifecycle?.listening(), "listening", deps.log);
  wake.schedule();
  return { closed, stop: () => stop() };
}

/**
 * git's check_expirations: sleep until the next entry expires; once empty, wait the grace
 * period, then call `onIdle`. Not while a client is connected: its request may be a store, and
 * the reply would tell it the token is kept by a daemon that is going away. (A client still
 * waiting to be accepted when the listener closes gets ECONNRESET: a failed store, never a lost one.)
 */
function expiryTimer(
  table: CacheTable,
  graceMs: number,
  server: Pick<UnixServer, "openConnections">,
  onIdle: () => void,
  clock: Clock,
): { schedule(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const schedule = () => {
    clearTimeout(timer);
    if (cancelled) return;
    const nextMs = table.sweep(clock.now());
    timer = setTimeout(
      nextMs === 0 ? () => (server.openConnections > 0 ? schedule() : onIdle()) : schedule,
      // Longer cache timeouts simply wake up and sweep again.
      Math.min(nextMs || graceMs, MAX_TIMER_MS),
    );
  };
  return {
    schedule,
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/** Waits for a lifecycle hook; its failure is logged (debug only), never thrown. */
async function settle(hook: Promise<void> | undefined, name: string, log: Logger): Promise<void> {
  try {
    await hook;
  } catch (error) {
    log.debug(
      `cache daemon: ${name} hook failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Makes the socket path ours and listens on it: refuses an unsafe directory or a path that is not
 * a socket, leaves a live daemon alone, and replaces a stale socket left by a killed one.
 *
 * Daemons take turns here under a lock file next to the socket. Without it, "nobody answers, so
 * unlink it and bind" raced: a second daemon could probe a first one's socket between its bind and
 * its listen, or probe a stale socket that a third replaced right after, and unlink the live one;
 * that daemon was orphaned (running, unreachable) with the tokens stored into it. Under the lock
 * a bound socket is always a listening one, and a socket nobody answers on really is stale.
 * (Binding elsewhere and renaming it into place would still need a "replace only if stale" step,
 * which the file system cannot do atomically.)
 */
async function takeOverSocket(server: UnixServer, socketPath: string, deps: DaemonDeps): Promise<void> {
  // Windows: a named pipe is never stale (it goes with the last handle of the process that made
  // it), so there is nothing to probe, unlink or lock, and it has no mode to set.
  if (deps.ipc.kind === "named-pipe") return listenOn(server, socketPath);
  // The lock lives in the socket's directory, so that is created (0700) and checked first.
  await checkSocketPath(socketPath, { create: true }, deps);
  await withLockFile(
    `${socketPath}.lock`,
    SOCKET_LOCK,
    async () => {
      if ((await checkSocketPath(socketPath, { create: false }, deps)) === "socket") {
        // A daemon too busy to accept within the bound is alive, and never unlinked.
        if (await deps.probeUnixSocket(socketPath, PROBE_TIMEOUT_MS)) throw new DaemonAlreadyRunning();
        await deps.fs.unlink(socketPath).catch(() => {});
      }
      await listenOn(server, socketPath);
      // The 0700 directory already keeps others out; 0600 on the socket says the same thing twice.
      await deps.fs.chmod(socketPath, 0o600).catch((error: unknown) => {
        void server.close();
        throw error;
      });
    },
    deps,
  );
}

/**
 * Listens on the socket path; one another listener holds means a daemon is already running. A
 * named pipe is created as the first instance of its name (libuv uv_pipe_bind), so a name that
 * exists, ours or made first by someone else, is never shared: the daemon leaves it alone.
 */
async function listenOn(server: UnixServer, socketPath: string): Promise<void> {
  await server.listen(socketPath).catch((error: unknown) => {
    throw errorCode(error) === "EADDRINUSE" ? new DaemonAlreadyRunning() : error;
  });
}

export class DaemonAlreadyRunning extends BackendUnavailableError {
  constructor() {
    super("a cache daemon is already listening on that socket");
  }
}

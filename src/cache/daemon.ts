// The cache daemon: holds tokens in memory only, on a Unix socket in a private directory.
// Started detached by the first `store`; exits when empty (after a grace period), on `exit`,
// or when stopped. It never writes a token anywhere, and never logs a request.
import type { Server, Socket } from "node:net";
import { BackendUnavailableError } from "../errors.js";
import { withLockFile } from "../lease-lock.js";
import type { Clock, Logger } from "../platform/deps.js";
import type { PrivateFileDeps } from "../private-files.js";
import { MAX_REQUEST_BYTES } from "../protocol/index.js";
import { MAX_TIMER_MS } from "../settings.js";
import { CacheTable } from "./cache-table.js";
import { createCacheHandlers } from "./daemon-handlers.js";
import { checkSocketPath } from "./socket-path.js";
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

export interface DaemonDeps extends PrivateFileDeps {
  clock: Clock;
  log: Logger;
}

export interface RunningDaemon {
  /** Resolves when the daemon has stopped and removed its socket. */
  closed: Promise<void>;
  stop(): void;
}

/**
 * The socket lock (see takeOverSocket) is held for one probe (at most PROBE_TIMEOUT_MS) and a few
 * file operations, so one older than staleMs was left by a daemon killed while holding it. The
 * wait stays under the 3 s a `store` gives a daemon to start (node-deps.ts DAEMON_START_TIMEOUT_MS).
 */
const SOCKET_LOCK = { timeoutMs: 2500, staleMs: 2000 };
const PROBE_TIMEOUT_MS = 500;

export async function startCacheDaemon(options: DaemonOptions, deps: DaemonDeps): Promise<RunningDaemon> {
  // Loaded here, not imported at the top: bun's binary would otherwise load node:net on every run.
  const { createServer } = process.getBuiltinModule("node:net");
  const table = new CacheTable();
  let stop = () => {};
  const handlers = createCacheHandlers(table, () => stop());
  let wakeTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let openConnections = 0;

  // git's check_expirations: sleep until the next entry expires; once empty, wait the grace period, then exit.
  // Not while a client is connected: its request may be a store, and the reply would tell it the
  // token is kept by a daemon that is going away. (A client still waiting to be accepted when the
  // listener closes gets ECONNRESET: a failed store, never a lost one.)
  const schedule = () => {
    clearTimeout(wakeTimer);
    if (stopped) return;
    const nextMs = table.sweep(deps.clock.now());
    wakeTimer = setTimeout(
      nextMs === 0 ? () => (openConnections > 0 ? schedule() : stop()) : schedule,
      // Longer cache timeouts simply wake up and sweep again.
      Math.min(nextMs || options.graceMs, MAX_TIMER_MS),
    );
  };

  const server = createServer({ allowHalfOpen: true }, (socket) => {
    openConnections++;
    socket.on("close", () => openConnections--);
    serveConnection(socket, options, (bytes) => {
      const decoded = decodeCacheRequest(bytes);
      if (decoded.kind === "invalid") {
        deps.log.debug(`cache daemon: dropped an invalid request (${decoded.reason})`);
        return "";
      }
      const reply = handlers[decoded.request.action](decoded.request, deps.clock.now());
      schedule();
      return reply;
    });
  });

  const closed = new Promise<void>((resolve) => {
    stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(wakeTimer);
      // The registry record goes first, while the socket is still ours: a daemon that takes the
      // socket over once we close registers after that, and its record is never the one removed.
      void settle(options.lifecycle?.stopping(), "stopping", deps.log).then(() =>
        // Closing unlinks the socket path and then closes the listener (libuv's uv__pipe_close; bun
        // does the same, in that order), so a daemon starting meanwhile finds our socket listening or
        // gone, never stale. No unlink of our own after it: by then the path may be a newer daemon's.
        server.close(() => resolve()),
      );
    };
  });
  await takeOverSocket(server, options.socketPath, deps);
  // A daemon nobody can find is still a cache: a failed registration is logged, never fatal.
  await settle(options.lifecycle?.listening(), "listening", deps.log);
  schedule();
  return { closed, stop: () => stop() };
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

/** Reads one request (bounded in size and time), answers, and closes. */
function serveConnection(socket: Socket, options: DaemonOptions, handle: (bytes: Buffer) => string): void {
  const chunks: Buffer[] = [];
  let size = 0;
  // A deadline from accept, not socket.setTimeout: that one only fires after a silence, so a
  // client sending a byte now and then held its connection (and the daemon's exit) for ever.
  const deadline = setTimeout(() => socket.destroy(), options.requestTimeoutMs);
  socket.on("close", () => clearTimeout(deadline));
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES + 64) socket.destroy();
    else chunks.push(chunk);
  });
  socket.on("end", () => {
    if (socket.destroyed) return;
    socket.end(handle(Buffer.concat(chunks)));
  });
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
async function takeOverSocket(server: Server, socketPath: string, deps: DaemonDeps): Promise<void> {
  // The lock lives in the socket's directory, so that is created (0700) and checked first.
  await checkSocketPath(socketPath, { create: true }, deps);
  await withLockFile(
    `${socketPath}.lock`,
    SOCKET_LOCK,
    async () => {
      if ((await checkSocketPath(socketPath, { create: false }, deps)) === "socket") {
        if (await isAlive(socketPath)) throw new DaemonAlreadyRunning();
        await deps.fs.unlink(socketPath).catch(() => {});
      }
      await listen(server, socketPath);
      // The 0700 directory already keeps others out; 0600 on the socket says the same thing twice.
      await deps.fs.chmod(socketPath, 0o600).catch((error: unknown) => {
        server.close();
        throw error;
      });
    },
    deps,
  );
}

export class DaemonAlreadyRunning extends BackendUnavailableError {
  constructor() {
    super("a cache daemon is already listening on that socket");
  }
}

async function isAlive(socketPath: string): Promise<boolean> {
  const { connect } = process.getBuiltinModule("node:net");
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    // A daemon too busy to accept within the bound is alive, and never unlinked.
    const timer = setTimeout(() => finish(true), PROBE_TIMEOUT_MS);
    const finish = (alive: boolean) => {
      clearTimeout(timer);
      probe.destroy();
      resolve(alive);
    };
    probe.on("connect", () => finish(true));
    probe.on("error", () => finish(false));
  });
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new DaemonAlreadyRunning() : error),
    );
    server.listen(socketPath, () => resolve());
  });
}

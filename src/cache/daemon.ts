// The cache daemon: holds tokens in memory only, on a Unix socket in a private directory.
// Started detached by the first `store`; exits when empty (after a grace period), on `exit`,
// or when stopped. It never writes a token anywhere, and never logs a request.
import type { Server, Socket } from "node:net";
import { BackendUnavailableError } from "../errors.js";
import type { Clock, Logger } from "../platform/deps.js";
import type { PrivateFileDeps } from "../private-files.js";
import { MAX_REQUEST_BYTES } from "../protocol/index.js";
import { CacheTable } from "./cache-table.js";
import { createCacheHandlers } from "./daemon-handlers.js";
import { checkSocketPath } from "./socket-path.js";
import { decodeCacheRequest } from "./wire.js";

export interface DaemonOptions {
  socketPath: string;
  /** How long an empty daemon waits for a new entry before exiting (git: 30 s). */
  graceMs: number;
  /** A client must send its whole request within this (slowloris guard). */
  requestTimeoutMs: number;
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

/** setTimeout's limit; longer cache timeouts simply wake up and sweep again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function startCacheDaemon(options: DaemonOptions, deps: DaemonDeps): Promise<RunningDaemon> {
  // Loaded here, not imported at the top: bun's binary would otherwise load node:net on every run.
  const { createServer } = process.getBuiltinModule("node:net");
  await takeOverSocket(options.socketPath, deps);
  const table = new CacheTable();
  let stop = () => {};
  const handlers = createCacheHandlers(table, () => stop());
  let wakeTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  // git's check_expirations: sleep until the next entry expires; once empty, wait the grace period, then exit.
  const schedule = () => {
    clearTimeout(wakeTimer);
    if (stopped) return;
    const nextMs = table.sweep(deps.clock.now());
    wakeTimer = setTimeout(
      nextMs === 0 ? () => stop() : schedule,
      Math.min(nextMs || options.graceMs, MAX_TIMER_MS),
    );
  };

  const server = createServer({ allowHalfOpen: true }, (socket) => {
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
      server.close(() => resolve());
      // Only our own socket: a newer daemon may already have replaced it.
      deps.fs.unlink(options.socketPath).catch(() => {});
    };
  });
  await listen(server, options.socketPath);
  // The 0700 directory already keeps others out; 0600 on the socket says the same thing twice.
  await deps.fs.chmod(options.socketPath, 0o600);
  schedule();
  return { closed, stop: () => stop() };
}

/** Reads one request (bounded in size and time), answers, and closes. */
function serveConnection(socket: Socket, options: DaemonOptions, handle: (bytes: Buffer) => string): void {
  const chunks: Buffer[] = [];
  let size = 0;
  socket.setTimeout(options.requestTimeoutMs, () => socket.destroy());
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
 * Makes the socket path ours: refuses an unsafe directory or a path that is not a socket,
 * leaves a live daemon alone (EADDRINUSE below), and unlinks a stale socket left by a killed one.
 */
async function takeOverSocket(socketPath: string, deps: DaemonDeps): Promise<void> {
  if ((await checkSocketPath(socketPath, { create: true }, deps)) === "absent") return;
  if (await isAlive(socketPath)) throw new DaemonAlreadyRunning();
  await deps.fs.unlink(socketPath).catch(() => {});
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
    const timer = setTimeout(() => finish(true), 500);
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

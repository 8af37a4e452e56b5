// One request and its answer over a Unix socket (the cache daemon's): connect, send, half-close,
// read to EOF, all within a deadline. Under bun through Bun.connect: node:net costs ~4 ms of
// start-up there, more than the whole exchange (perf stat).
// On Windows it is node:net on the named pipe ipc-endpoint.ts derives from the path.
import type { BunRuntime, BunSocketLike } from "./bun-runtime.js";
import type { IpcRules, UnixExchange } from "./deps.js";
import { ipcEndpoint } from "./ipc-endpoint.js";
import { loadNodeNet, type NodeNet, osUserName } from "./unix-server.js";

/** A connect failure carries the errno name (ENOENT, ECONNREFUSED…) as `code`, like Node's. */
function connectError(code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function timedOut(timeoutMs: number): Error {
  return new Error(`no answer within ${timeoutMs} ms`);
}

/** The exchange on node:net, with the socket path or pipe name `endpoint` maps a path to. */
function nodeNetExchange(endpoint: (socketPath: string) => string, net: () => NodeNet): UnixExchange {
  return (socketPath, payload, timeoutMs) => exchangeOnNet(net(), endpoint(socketPath), payload, timeoutMs);
}

/** node:net on the socket path itself (Linux, macOS). */
export const nodeUnixExchange: UnixExchange = nodeNetExchange((socketPath) => socketPath, loadNodeNet);

/**
 * The exchange for the platform `ipc` describes: under bun on a Unix socket Bun.connect, else
 * node:net (loaded on use: most runs never reach the socket). On Windows node:net under bun too:
 * bun's named pipes are reached through its node:net, and Bun.connect's `unix` there could not be
 * tried here (docs/cache.md "On Windows").
 */
export function ipcExchange(
  ipc: IpcRules,
  bun: BunRuntime | undefined,
  user: () => string = osUserName,
  net: () => NodeNet = loadNodeNet,
): UnixExchange {
  if (ipc.kind === "unix-socket") return bun ? bunUnixExchange(bun) : nodeUnixExchange;
  return nodeNetExchange((socketPath) => ipcEndpoint(socketPath, ipc, user), net);
}

async function exchangeOnNet(
  net: NodeNet,
  endpoint: string,
  payload: string,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timedOut(timeoutMs));
    }, timeoutMs);
    socket.on("connect", () => socket.end(payload));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectError(error.code, error.message));
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

export function bunUnixExchange(bun: BunRuntime): UnixExchange {
  return (socketPath, payload, timeoutMs) =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let pending = Buffer.from(payload, "utf8");
      let connection: BunSocketLike | undefined;
      // Settles once: terminating the socket on timeout also runs its close handler.
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (error: unknown) => {
        const { code, message } = error as { code?: string; message?: string };
        settle(() => reject(connectError(code, message ?? String(error))));
      };
      const timer = setTimeout(() => {
        settle(() => reject(timedOut(timeoutMs)));
        connection?.terminate();
      }, timeoutMs);
      // Writes what the socket takes now and the rest on drain; half-closes once all is out.
      const flush = (socket: BunSocketLike) => {
        const written = socket.write(pending);
        pending = pending.subarray(Math.max(written, 0));
        if (pending.length === 0) socket.shutdown();
      };
      bun
        .connect({
          unix: socketPath,
          socket: {
            open: (socket) => {
              connection = socket;
              flush(socket);
            },
            drain: (socket) => {
              if (pending.length > 0) flush(socket);
            },
            data: (_socket, chunk) => {
              chunks.push(Buffer.from(chunk));
            },
            close: () => settle(() => resolve(Buffer.concat(chunks))),
            error: (_socket, error) => fail(error),
            connectError: (_socket, error) => fail(error),
          },
        })
        .catch(fail);
    });
}

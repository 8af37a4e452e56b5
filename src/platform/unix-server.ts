// The cache daemon's socket: each connection sends one request, half-closes, and gets one reply
// (the other side is unix-exchange.ts). node:net under bun too: only the daemon process uses it.
// On Windows the same code listens on the named pipe ipc-endpoint.ts derives from the path.
import type { Socket } from "node:net";
import type { Deps, IpcRules, UnixServer, UnixServerOptions } from "./deps.js";
import { ipcEndpoint, ipcRules } from "./ipc-endpoint.js";

/** The part of node:net the daemon uses; tests hand in a fake to see what it listens on. */
export type NodeNet = Pick<typeof import("node:net"), "createServer" | "connect">;

/** Loaded on use, not imported at the top: bun's binary would otherwise load node:net on every run. */
export const loadNodeNet = (): NodeNet => process.getBuiltinModule("node:net");

/** This user's name, for the pipe's name (Windows only; the OS's answer, not $USERNAME). */
export function osUserName(): string {
  try {
    return process.getBuiltinModule("node:os").userInfo().username;
  } catch {
    // No entry for this user (some containers): client and daemon still agree on the name.
    return "user";
  }
}

function createNodeUnixServer(
  options: UnixServerOptions,
  endpoint: (socketPath: string) => string,
  net: NodeNet,
): UnixServer {
  const { createServer } = net;
  let openConnections = 0;
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    openConnections++;
    socket.on("close", () => openConnections--);
    serveConnection(socket, options);
  });
  return {
    get openConnections() {
      return openConnections;
    },
    listen: (socketPath) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        // A pipe is created with FILE_FLAG_FIRST_PIPE_INSTANCE (libuv win/pipe.c uv_pipe_bind): a
        // name that already exists, whoever made it, fails with EADDRINUSE, never shared.
        server.listen(endpoint(socketPath), () => resolve());
      }),
    // Closing unlinks the socket path and then closes the listener (libuv's uv__pipe_close; bun
    // does the same, in that order). A named pipe has no path: it goes with its last handle.
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Reads one request (bounded in size and time), answers, and closes. */
function serveConnection(socket: Socket, options: UnixServerOptions): void {
  const chunks: Buffer[] = [];
  let size = 0;
  // A deadline from accept, not socket.setTimeout: that one only fires after a silence, so a
  // client sending a byte now and then held its connection (and the daemon's exit) for ever.
  const deadline = setTimeout(() => socket.destroy(), options.requestTimeoutMs);
  socket.on("close", () => clearTimeout(deadline));
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > options.maxRequestBytes) socket.destroy();
    else chunks.push(chunk);
  });
  socket.on("end", () => {
    if (socket.destroyed) return;
    socket.end(options.answer(Buffer.concat(chunks)));
  });
}

function probeNodeUnixSocket(endpoint: string, timeoutMs: number, net: NodeNet): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(endpoint);
    // A daemon too busy to accept within the bound is alive.
    const timer = setTimeout(() => finish(true), timeoutMs);
    const finish = (alive: boolean) => {
      clearTimeout(timer);
      probe.destroy();
      resolve(alive);
    };
    probe.on("connect", () => finish(true));
    probe.on("error", () => finish(false));
  });
}

/** The daemon's socket seams of Deps on node:net, for the platform `ipc` describes. */
export function nodeIpcServer(
  ipc: IpcRules,
  user: () => string = osUserName,
  net: () => NodeNet = loadNodeNet,
): Pick<Deps, "ipc" | "createUnixServer" | "probeUnixSocket"> {
  const endpoint = (socketPath: string) => ipcEndpoint(socketPath, ipc, user);
  return {
    ipc,
    createUnixServer: (options) => createNodeUnixServer(options, endpoint, net()),
    probeUnixSocket: (socketPath, timeoutMs) => probeNodeUnixSocket(endpoint(socketPath), timeoutMs, net()),
  };
}

/** nodeIpcServer for this process's platform. */
export const nodeUnixServer = nodeIpcServer(ipcRules(process.platform));

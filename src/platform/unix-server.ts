// The cache daemon's socket: each connection sends one request, half-closes, and gets one reply
// (the other side is unix-exchange.ts). node:net under bun too: only the daemon process uses it.
import type { Socket } from "node:net";
import type { Deps, UnixServer, UnixServerOptions } from "./deps.js";

function createNodeUnixServer(options: UnixServerOptions): UnixServer {
  // Loaded here, not imported at the top: bun's binary would otherwise load node:net on every run.
  const { createServer } = process.getBuiltinModule("node:net");
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
        server.listen(socketPath, () => resolve());
      }),
    // Closing unlinks the socket path and then closes the listener (libuv's uv__pipe_close; bun
    // does the same, in that order).
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

function probeNodeUnixSocket(socketPath: string, timeoutMs: number): Promise<boolean> {
  const { connect } = process.getBuiltinModule("node:net");
  return new Promise((resolve) => {
    const probe = connect(socketPath);
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

/** The daemon's socket seams of Deps, on node:net. */
export const nodeUnixServer: Pick<Deps, "createUnixServer" | "probeUnixSocket"> = {
  createUnixServer: createNodeUnixServer,
  probeUnixSocket: probeNodeUnixSocket,
};

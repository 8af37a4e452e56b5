// The cache transport on each platform's endpoint, with node:net faked: what the daemon listens
// on and what the client and the probe connect to (the named pipe on Windows). The real socket
// is served in cache/daemon.test.ts and test/integration/cache-daemon*.test.ts.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { ipcRules, pipeName } from "./ipc-endpoint.js";
import { ipcExchange } from "./unix-exchange.js";
import { type NodeNet, nodeIpcServer } from "./unix-server.js";

/** node:net that records every endpoint; a connect answers `reply` and closes. */
function fakeNet(reply = "") {
  const listened: string[] = [];
  const connected: string[] = [];
  const sent: string[] = [];
  const net = {
    createServer: () => ({
      once: () => {},
      listen: (endpoint: string, onListening: () => void) => {
        listened.push(endpoint);
        onListening();
      },
      close: (onClosed: () => void) => onClosed(),
    }),
    connect: (endpoint: string) => {
      connected.push(endpoint);
      const socket = Object.assign(new EventEmitter(), {
        end: (payload: string) => {
          sent.push(payload);
          socket.emit("data", Buffer.from(reply));
          socket.emit("close");
        },
        destroy: () => {},
      });
      setImmediate(() => socket.emit("connect"));
      return socket;
    },
  } as unknown as NodeNet;
  return { net: () => net, listened, connected, sent };
}

const serverOptions = { requestTimeoutMs: 1000, maxRequestBytes: 100, answer: () => "" };

describe.each([
  { platform: "linux", socket: "/run/user/1000/git-credential-pat/socket" },
  { platform: "darwin", socket: "/Users/alice/.cache/git-credential-pat/socket" },
  { platform: "win32", socket: "C:\\Users\\alice\\.cache\\git-credential-pat\\socket" },
])("the cache transport on $platform", ({ platform, socket }) => {
  const ipc = ipcRules(platform);
  const endpoint = platform === "win32" ? pipeName(socket, "alice") : socket;
  const user = () => "alice";

  it(`listens on ${platform === "win32" ? "the path's named pipe" : "the socket path"}`, async () => {
    const fake = fakeNet();
    const transport = nodeIpcServer(ipc, user, fake.net);
    expect(transport.ipc).toEqual(ipc);
    const server = transport.createUnixServer(serverOptions);
    await server.listen(socket);
    await server.close();
    expect(fake.listened).toEqual([endpoint]);
  });

  it("probes the same endpoint", async () => {
    const fake = fakeNet();
    await expect(nodeIpcServer(ipc, user, fake.net).probeUnixSocket(socket, 1000)).resolves.toBe(true);
    expect(fake.connected).toEqual([endpoint]);
  });
});

describe("ipcExchange", () => {
  const user = () => "alice";

  it("talks over the named pipe on Windows, under Node and under bun alike", async () => {
    const socket = "C:\\Users\\alice\\.cache\\git-credential-pat\\socket";
    for (const bun of [
      undefined,
      { connect: () => Promise.reject(new Error("Bun.connect is not for pipes")) },
    ]) {
      const fake = fakeNet("username=alice\n");
      const exchange = ipcExchange(ipcRules("win32"), bun as never, user, fake.net);
      await expect(exchange(socket, "action=get\n", 1000).then(String)).resolves.toBe("username=alice\n");
      expect(fake.connected).toEqual([pipeName(socket, "alice")]);
      expect(fake.sent).toEqual(["action=get\n"]);
    }
  });

  it.each(["linux", "darwin"])(
    "talks over the socket path with Bun.connect under bun on %s",
    async (platform) => {
      const fake = fakeNet();
      const unixPaths: string[] = [];
      const bun = {
        connect: async (options: { unix: string; socket: { close(): void } }) => {
          unixPaths.push(options.unix);
          options.socket.close();
        },
      };
      const exchange = ipcExchange(ipcRules(platform), bun as never, user, fake.net);
      await expect(exchange("/tmp/pat/socket", "action=get\n", 1000)).resolves.toEqual(Buffer.alloc(0));
      expect(unixPaths).toEqual(["/tmp/pat/socket"]);
      expect(fake.connected).toEqual([]);
    },
  );
});

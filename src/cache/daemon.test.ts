import { once } from "node:events";
import * as nodeFs from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { withLockFile } from "../lease-lock.js";
import type { Clock, UnixServerOptions } from "../platform/deps.js";
import { ipcRules } from "../platform/ipc-endpoint.js";
import { nodeUnixExchange } from "../platform/unix-exchange.js";
import { nodeUnixServer } from "../platform/unix-server.js";
import {
  DaemonAlreadyRunning,
  type DaemonLifecycle,
  type RunningDaemon,
  startCacheDaemon,
} from "./daemon.js";

// Daemons in this process on real sockets in a tmp dir: start-up takes turns under the socket
// lock, so only one of many daemons started at once ever serves the socket.
describe("startCacheDaemon", () => {
  let dir: string;
  let socketPath: string;
  const running: RunningDaemon[] = [];
  const realClock: Clock = {
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const depsWith = (clock: Clock) => ({
    fs: nodeFs,
    clock,
    uid: process.getuid?.(),
    log: { debug: () => {} },
    ...nodeUnixServer,
  });
  const start = async (clock = realClock, graceMs = 60_000, lifecycle?: DaemonLifecycle) => {
    const daemon = await startCacheDaemon(
      { socketPath, graceMs, requestTimeoutMs: 2000, ...(lifecycle ? { lifecycle } : {}) },
      depsWith(clock),
    );
    running.push(daemon);
    return daemon;
  };
  const ask = (payload: string) => nodeUnixExchange(socketPath, payload, 2000).then(String);
  const storeAlice =
    "action=store\ntimeout=900\nprotocol=https\nhost=a.example\nusername=alice\npassword=fake-a\n";
  const getAlice = "action=get\ntimeout=0\nprotocol=https\nhost=a.example\n";

  /** A socket nobody listens on, as a SIGKILLed daemon leaves it: bound elsewhere, linked here, closed. */
  async function makeStaleSocket(): Promise<void> {
    await nodeFs.mkdir(join(dir, "cache"), { mode: 0o700 });
    const elsewhere = join(dir, "elsewhere");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(elsewhere, resolve));
    await nodeFs.link(elsewhere, socketPath);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect((await nodeFs.lstat(socketPath)).isSocket()).toBe(true);
    await expect(ask(getAlice)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  }

  beforeEach(async () => {
    dir = await nodeFs.mkdtemp(join(tmpdir(), "pat-cache-daemon-"));
    socketPath = join(dir, "cache", "socket");
  });

  afterEach(async () => {
    for (const daemon of running.splice(0)) {
      daemon.stop();
      await daemon.closed;
    }
    await nodeFs.rm(dir, { recursive: true, force: true });
  });

  it.each([
    { name: "into an empty directory", prepare: async () => {} },
    { name: "over a stale socket", prepare: makeStaleSocket },
  ])("of many daemons started at once $name, one serves and the others stand down", async ({ prepare }) => {
    await prepare();
    const starts = await Promise.allSettled(Array.from({ length: 8 }, () => start()));
    const served = starts.filter((result) => result.status === "fulfilled");
    const stoodDown = starts.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(served).toHaveLength(1);
    expect(stoodDown).toHaveLength(7);
    for (const reason of stoodDown) expect(reason).toBeInstanceOf(DaemonAlreadyRunning);

    await ask(storeAlice);
    expect(await ask(getAlice)).toContain("password=fake-a\n");
    expect((await nodeFs.lstat(socketPath)).mode & 0o777).toBe(0o600);
    expect(await nodeFs.readdir(join(dir, "cache"))).toEqual(["socket"]);
  });

  it("waits, without touching the socket, while another daemon holds the socket lock", async () => {
    await nodeFs.mkdir(join(dir, "cache"), { mode: 0o700 });
    let release = () => {};
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = withLockFile(
      `${socketPath}.lock`,
      { timeoutMs: 1000, staleMs: 60_000 },
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          holding();
        }),
      depsWith(realClock),
    );
    await held;
    // The holder finishes during the daemon's first wait for the lock.
    const seenWhileWaiting: string[][] = [];
    const clock: Clock = {
      now: Date.now,
      sleep: async () => {
        if (seenWhileWaiting.length === 0) seenWhileWaiting.push(await nodeFs.readdir(join(dir, "cache")));
        release();
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    await start(clock);
    await holder;
    expect(seenWhileWaiting).toEqual([["socket.lock"]]);
    await ask(storeAlice);
    expect(await ask(getAlice)).toContain("password=fake-a\n");
  });

  it("takes over a socket lock left by a daemon killed while holding it", async () => {
    await nodeFs.mkdir(join(dir, "cache"), { mode: 0o700 });
    await nodeFs.writeFile(`${socketPath}.lock`, "", { mode: 0o600 });
    const longAgo = new Date(Date.now() - 60_000);
    await nodeFs.utimes(`${socketPath}.lock`, longAgo, longAgo);
    await start();
    expect(await nodeFs.readdir(join(dir, "cache"))).toEqual(["socket"]);
  });

  it("removes its socket when it stops, and a new daemon starts there", async () => {
    const first = await start();
    first.stop();
    await first.closed;
    expect(await nodeFs.readdir(join(dir, "cache"))).toEqual([]);
    await start();
    await ask(storeAlice);
    expect(await ask(getAlice)).toContain("password=fake-a\n");
  });

  it("is told once it listens, and when it stops while it still listens (the registry record goes first)", async () => {
    const events: string[] = [];
    const listening = async () => {
      await ask(getAlice); // it answers on the socket by now
      events.push("listening");
    };
    const stopping = async () => {
      await ask(getAlice); // and still does
      events.push("stopping");
    };
    const daemon = await start(realClock, 60_000, { listening, stopping });
    daemon.stop();
    await daemon.closed;
    events.push("closed");
    expect(events).toEqual(["listening", "stopping", "closed"]);
    await expect(nodeFs.lstat(socketPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("serves and stops even when its lifecycle hooks fail (a registry it cannot write)", async () => {
    const fail = async () => {
      throw new Error("EACCES");
    };
    const daemon = await start(realClock, 60_000, { listening: fail, stopping: fail });
    await ask(storeAlice);
    expect(await ask(getAlice)).toContain("password=fake-a\n");
    daemon.stop();
    await daemon.closed;
    await expect(nodeFs.lstat(socketPath)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("does not end its grace period while a client is connected: a store it accepted is kept", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      await start(realClock, 1000);
      const client = connect(socketPath);
      await once(client, "connect");
      // A few turns of the event loop: the daemon accepts the connection.
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      vi.advanceTimersByTime(1000);
      client.resume().end(storeAlice);
      await once(client, "end");
      expect(await ask(getAlice)).toContain("password=fake-a\n");
    } finally {
      vi.useRealTimers();
    }
  });
});

// Windows: the daemon on a named pipe (the server faked: the pipe's name is ipc-transport.test.ts's
// business). Nothing is stale, so nothing is probed, locked, unlinked or chmod-ed: no file at all.
describe("startCacheDaemon on a named pipe", () => {
  const socketPath = "C:\\Users\\alice\\.cache\\git-credential-pat\\socket";

  function pipeDeps(listenError?: NodeJS.ErrnoException) {
    const calls: string[] = [];
    let serve: UnixServerOptions["answer"] = () => "";
    const deps = makeTestDeps({
      ipc: ipcRules("win32"),
      createUnixServer: (options) => {
        serve = options.answer;
        return {
          openConnections: 0,
          listen: async (path) => {
            calls.push(`listen ${path}`);
            if (listenError) throw listenError;
          },
          close: async () => {
            calls.push("close");
          },
        };
      },
    });
    return { deps, calls, ask: (request: string) => serve(Buffer.from(request)) };
  }

  it("listens on the path's pipe, serves, and closes on exit, writing no file", async () => {
    const { deps, calls, ask } = pipeDeps();
    const before = deps.vol.toJSON();
    const daemon = await startCacheDaemon({ socketPath, graceMs: 60_000, requestTimeoutMs: 2000 }, deps);
    ask("action=store\ntimeout=900\nprotocol=https\nhost=a.example\nusername=alice\npassword=fake-a\n");
    expect(ask("action=get\ntimeout=0\nprotocol=https\nhost=a.example\n")).toContain("username=alice\n");
    ask("action=exit\ntimeout=0\n");
    await daemon.closed;
    expect(calls).toEqual([`listen ${socketPath}`, "close"]);
    expect(deps.vol.toJSON()).toEqual(before);
  });

  it("leaves a pipe name that exists alone (first instance only), without probing it", async () => {
    const inUse = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    const { deps, calls } = pipeDeps(inUse);
    await expect(
      startCacheDaemon({ socketPath, graceMs: 60_000, requestTimeoutMs: 2000 }, deps),
    ).rejects.toBeInstanceOf(DaemonAlreadyRunning);
    expect(calls).toEqual([`listen ${socketPath}`]);
  });

  it("reports any other failure to listen as it is", async () => {
    const denied = Object.assign(new Error("listen EACCES"), { code: "EACCES" });
    const { deps } = pipeDeps(denied);
    await expect(
      startCacheDaemon({ socketPath, graceMs: 60_000, requestTimeoutMs: 2000 }, deps),
    ).rejects.toBe(denied);
  });
});

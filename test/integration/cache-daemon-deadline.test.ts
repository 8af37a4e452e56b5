// The cache daemon bounds how long one request may take in total, counted from accept, not only
// how long a client may stay silent: a client trickling a byte every 300 ms never goes quiet long
// enough for an idle timeout, and used to hold its connection (and the daemon's "not while a
// client is connected" exit) for as long as it liked. A real daemon on a real Unix socket, with a
// small injected limit; meanwhile and afterwards other clients are served.
import * as nodeFs from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SocketCacheClient } from "../../src/cache/client.js";
import { type RunningDaemon, startCacheDaemon } from "../../src/cache/daemon.js";
import { ipcRules } from "../../src/platform/ipc-endpoint.js";
import { nodeUnixExchange } from "../../src/platform/unix-exchange.js";
import { nodeUnixServer } from "../../src/platform/unix-server.js";
import { Secret } from "../../src/secret.js";
import { CANARY } from "../helpers/canary.js";

const REQUEST_TIMEOUT_MS = 1200;
const TRICKLE_EVERY_MS = 300;
/** How long the trickling client keeps going if nobody cuts it off. */
const GIVE_UP_MS = 4000;

describe("the cache daemon's request deadline", () => {
  let dir: string;
  let socketPath: string;
  let daemon: RunningDaemon;
  const client = () =>
    new SocketCacheClient(
      { socketPath, timeoutMs: 1000 },
      {
        fs: nodeFs,
        clock: { now: Date.now, sleep: async () => {} },
        uid: process.getuid?.(),
        unixExchange: nodeUnixExchange,
        ipc: ipcRules(process.platform),
        startDaemon: async () => {
          throw new Error("the test daemon is already listening");
        },
      },
    );
  const alice = { protocol: "https", host: "deadline.example", username: "alice" };

  beforeEach(async () => {
    dir = await nodeFs.mkdtemp(join(tmpdir(), "gcp-deadline-"));
    socketPath = join(dir, "cache", "socket");
    daemon = await startCacheDaemon(
      { socketPath, graceMs: 60_000, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      {
        fs: nodeFs,
        clock: { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
        uid: process.getuid?.(),
        log: { debug: () => {} },
        ...nodeUnixServer,
      },
    );
  });
  afterEach(async () => {
    daemon.stop();
    await daemon.closed;
    await nodeFs.rm(dir, { recursive: true, force: true });
  });

  it("cuts off a client that sends one byte every 300 ms at the limit, serving others meanwhile and after", async () => {
    await client().store({ ...alice, password: new Secret(CANARY.classic) }, 900);

    const request = Buffer.from("action=get\ntimeout=0\nprotocol=https\nhost=deadline.example\n");
    const slow = connect(socketPath);
    slow.on("error", () => {});
    const connectedAt = await new Promise<number>((resolve) => slow.on("connect", () => resolve(Date.now())));
    let sent = 0;
    const trickle = setInterval(() => {
      if (!slow.destroyed && sent < request.length) slow.write(request.subarray(sent, ++sent));
    }, TRICKLE_EVERY_MS);
    const giveUp = setTimeout(() => slow.destroy(), GIVE_UP_MS);
    const cutAfterMs = new Promise<number>((resolve) =>
      slow.on("close", () => resolve(Date.now() - connectedAt)),
    );

    try {
      // Meanwhile (the slow client is mid-request) others are served at once.
      await new Promise((resolve) => setTimeout(resolve, TRICKLE_EVERY_MS * 2));
      expect((await client().get(alice))?.password?.reveal() === CANARY.classic).toBe(true);
      await client().store({ ...alice, username: "bob", password: new Secret(CANARY.classic2) }, 900);

      const elapsedMs = await cutAfterMs;
      expect(sent, "the client was still sending when it was cut off").toBeGreaterThan(2);
      expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(elapsedMs, "cut at the limit, not when the client gave up").toBeLessThan(
        REQUEST_TIMEOUT_MS + 600,
      );
    } finally {
      clearInterval(trickle);
      clearTimeout(giveUp);
    }

    // And afterwards.
    expect((await client().get({ ...alice, username: "bob" }))?.password?.reveal() === CANARY.classic2).toBe(
      true,
    );
  });

  it("a client that sends its request at once but never reads the answer is cut off at the limit too", async () => {
    await client().store({ ...alice, password: new Secret(CANARY.classic) }, 900);
    const slow = connect(socketPath);
    slow.on("error", () => {});
    const connectedAt = await new Promise<number>((resolve) => slow.on("connect", () => resolve(Date.now())));
    const cutAfterMs = new Promise<number>((resolve) =>
      slow.on("close", () => resolve(Date.now() - connectedAt)),
    );
    // A request the daemon answers, then silence without a half-close: it waits for the end.
    slow.write("action=get\ntimeout=0\nprotocol=https\nhost=deadline.example\n");
    const giveUp = setTimeout(() => slow.destroy(), GIVE_UP_MS);
    try {
      const elapsedMs = await cutAfterMs;
      expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 600);
    } finally {
      clearTimeout(giveUp);
    }
    expect((await client().get(alice))?.password?.reveal() === CANARY.classic).toBe(true);
  });
});

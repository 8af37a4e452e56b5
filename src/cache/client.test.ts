import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { nodeUnixExchange } from "../platform/unix-exchange.js";
import type { Credential } from "../protocol/index.js";
import { Secret } from "../secret.js";
import { SocketCacheClient } from "./client.js";
import { type RunningDaemon, startCacheDaemon } from "./daemon.js";

// An in-process daemon on a real socket in a tmp dir: the bug below only shows with a real connect.
describe("SocketCacheClient", () => {
  let dir: string;
  let daemon: RunningDaemon;
  let client: SocketCacheClient;

  beforeEach(async () => {
    dir = await nodeFs.mkdtemp(join(tmpdir(), "pat-cache-client-"));
    const socketPath = join(dir, "cache", "socket");
    const deps = {
      fs: nodeFs,
      clock: { now: Date.now, sleep: async () => {} },
      uid: process.getuid?.(),
      log: { debug: () => {} },
    };
    daemon = await startCacheDaemon({ socketPath, graceMs: 60_000, requestTimeoutMs: 2000 }, deps);
    client = new SocketCacheClient(
      { socketPath, timeoutMs: 2000 },
      {
        ...deps,
        unixExchange: nodeUnixExchange,
        startDaemon: async () => {
          throw new Error("the test daemon is already listening");
        },
      },
    );
    await client.store(
      { protocol: "https", host: "github.com", username: "alice", password: new Secret(CANARY.classic) },
      900,
    );
  });

  afterEach(async () => {
    daemon.stop();
    await daemon.closed;
    await nodeFs.rm(dir, { recursive: true, force: true });
  });

  // Found by test/fuzz: the request was encoded inside the socket's "connect" listener, so
  // serializeCredential's refusal became an uncaught exception that killed the helper with a
  // stack trace (`printf 'protocol=https\nhost=a\rb\n' | git-credential-pat get` with a daemon up).
  it.each<{ name: string; pattern: Credential }>([
    { name: "a host with a lone CR", pattern: { protocol: "https", host: "github.com\rx" } },
    { name: "a path with a LF", pattern: { protocol: "https", host: "github.com", path: "a\nb" } },
    { name: "a username with a NUL", pattern: { protocol: "https", host: "github.com", username: "a\0b" } },
  ])(
    "treats $name as a miss on get and a no-op on erase, and the cache keeps its entry",
    async ({ pattern }) => {
      await expect(client.get(pattern)).resolves.toBeUndefined();
      await expect(client.erase(pattern)).resolves.toBeUndefined();
      const found = await client.get({ protocol: "https", host: "github.com" });
      expect(found?.username).toBe("alice");
    },
  );

  it("rejects, rather than crashes, when asked to store a value it cannot send", async () => {
    const unsafe = { protocol: "https", host: "a\rb", username: "u", password: new Secret(CANARY.classic2) };
    await expect(client.store(unsafe, 900)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining("refusing to write a host that contains a CR, LF or NUL character"),
    });
  });
});

// Starting a daemon, with the daemon and the socket faked: which failures start another one.
describe("SocketCacheClient.store with no daemon answering", () => {
  const credential = {
    protocol: "https",
    host: "github.com",
    username: "alice",
    password: new Secret("fake"),
  };
  const refused = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  const timedOut = () => new Error("the cache daemon did not answer within 1000 ms");

  function clientWith(replies: Array<() => Error | undefined>) {
    const deps = makeTestDeps();
    const calls: string[] = [];
    const client = new SocketCacheClient(
      { socketPath: "/run/user/1000/git-credential-pat/socket", timeoutMs: 1000 },
      {
        ...deps,
        startDaemon: async () => {
          calls.push("start");
        },
        unixExchange: async () => {
          calls.push("exchange");
          const error = replies.shift()?.();
          if (error) throw error;
          return Buffer.alloc(0);
        },
      },
    );
    return { client, calls };
  }

  it.each<{ name: string; replies: Array<() => Error | undefined>; want: string[]; fails: boolean }>([
    {
      name: "starts a daemon and stores through it",
      replies: [() => undefined],
      want: ["start", "exchange"],
      fails: false,
    },
    {
      name: "starts again when the daemon that said ok is gone before the request reaches it",
      replies: [refused, () => undefined],
      want: ["start", "exchange", "start", "exchange"],
      fails: false,
    },
    {
      name: "gives up after the second start is refused too",
      replies: [refused, refused, () => undefined],
      want: ["start", "exchange", "start", "exchange"],
      fails: true,
    },
    {
      name: "does not start another daemon when the one that started does not answer",
      replies: [timedOut, () => undefined],
      want: ["start", "exchange"],
      fails: true,
    },
  ])("$name", async ({ replies, want, fails }) => {
    const { client, calls } = clientWith(replies);
    const stored = client.store(credential, 900);
    if (fails) {
      await expect(stored).rejects.toMatchObject({
        exitCode: 5,
        message: expect.stringContaining("the cache daemon did not accept the token"),
      });
    } else await expect(stored).resolves.toBeUndefined();
    expect(calls).toEqual(want);
  });
});

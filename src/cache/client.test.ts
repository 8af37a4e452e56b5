import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { ipcRules } from "../platform/ipc-endpoint.js";
import { nodeUnixExchange } from "../platform/unix-exchange.js";
import { nodeUnixServer } from "../platform/unix-server.js";
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
      ...nodeUnixServer,
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

// What the client makes of a daemon's answer, with the daemon faked at the socket: an older
// daemon (started before an upgrade) ignores match[]=exact-path and a git may not speak authtype.
describe("SocketCacheClient.get answers", () => {
  const SOCKET = "/run/user/1000/git-credential-pat/socket";
  function clientAnswering(reply: string) {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/run/user/1000/git-credential-pat", { recursive: true, mode: 0o700 });
    // Only a stat is made of the socket path; a regular file stands in for it here.
    const sent: string[] = [];
    const client = new SocketCacheClient(
      { socketPath: SOCKET, timeoutMs: 1000 },
      {
        ...deps,
        fs: {
          ...deps.fs,
          stat: async () => ({ isSocket: () => true, isDirectory: () => true, uid: deps.uid, mode: 0o700 }),
        } as never,
        startDaemon: async () => {},
        unixExchange: async (_path, payload) => {
          sent.push(payload);
          return Buffer.from(reply);
        },
      },
    );
    return { client, sent };
  }
  const bob = `username=bob\npassword=${CANARY.classic2}\n`;

  it.each([
    {
      name: "takes a host-wide answer from a daemon that says it matched exactly",
      reply: `capability[]=authtype\nmatch[]=exact-path\n${bob}`,
      options: { exactPath: true },
      want: "bob",
    },
    {
      name: "ignores a host-wide answer from an older daemon that does not say so (it matches any path)",
      reply: `capability[]=authtype\n${bob}`,
      options: { exactPath: true },
      want: undefined,
    },
    { name: "takes an ordinary answer without the echo", reply: bob, options: {}, want: "bob" },
    {
      name: "treats an answer without username and password as a miss for a git without authtype",
      reply: "capability[]=authtype\n",
      options: { withAuthtype: false },
      want: undefined,
    },
  ])("$name", async ({ reply, options, want }) => {
    const { client } = clientAnswering(reply);
    const found = await client.get({ protocol: "https", host: "github.com", username: "bob" }, options);
    expect(found?.username).toBe(want);
  });

  it("asks for authtype only for a git that announced it", async () => {
    const { client, sent } = clientAnswering("");
    await client.get({ protocol: "https", host: "github.com" }, { withAuthtype: false });
    await client.get({ protocol: "https", host: "github.com" }, { withAuthtype: true });
    expect(sent.map((payload) => payload.includes("capability[]=authtype\n"))).toEqual([false, true]);
  });
});

// Windows: a named pipe is not in the file system, so the client connects to learn whether a
// daemon is there (ENOENT: none), and never creates or checks a directory.
describe("SocketCacheClient on a named pipe", () => {
  const socketPath = "C:\\Users\\alice\\.cache\\git-credential-pat\\socket";
  const noPipe = () => Object.assign(new Error("connect ENOENT"), { code: "ENOENT" });

  function pipeClient(replies: Array<() => Error | string>, isRegistered = true) {
    const deps = makeTestDeps({ ipc: ipcRules("win32") });
    const calls: string[] = [];
    const client = new SocketCacheClient(
      { socketPath, timeoutMs: 1000 },
      {
        ...deps,
        startDaemon: async (path) => {
          calls.push(`start ${path}`);
        },
        isRegisteredDaemon: async (path) => {
          calls.push(`registered? ${path}`);
          return isRegistered;
        },
        unixExchange: async (path, payload) => {
          calls.push(`${payload.split("\n")[0]} ${path}`);
          const reply = replies.shift()?.() ?? "";
          if (reply instanceof Error) throw reply;
          return Buffer.from(reply);
        },
      },
    );
    return { deps, client, calls, before: deps.vol.toJSON() };
  }

  it("misses on get and erase when no daemon has the pipe, starting nothing", async () => {
    const { deps, client, calls, before } = pipeClient([noPipe, noPipe, noPipe]);
    await expect(client.get({ protocol: "https", host: "github.com" })).resolves.toBeUndefined();
    await client.erase({ protocol: "https", host: "github.com" });
    await expect(client.eraseEach([{ protocol: "https", host: "github.com" }])).resolves.toBe("absent");
    expect(calls).toEqual([
      `action=get ${socketPath}`,
      `action=erase ${socketPath}`,
      `action=erase ${socketPath}`,
    ]);
    expect(deps.vol.toJSON()).toEqual(before);
  });

  it("gets from the daemon on the pipe", async () => {
    const { client } = pipeClient([() => "username=alice\npassword=fake\n"]);
    await expect(client.get({ protocol: "https", host: "github.com" })).resolves.toMatchObject({
      username: "alice",
    });
  });

  const alice = { protocol: "https", host: "github.com", username: "alice", password: new Secret("fake") };

  it("stores through a running daemon of ours without starting another", async () => {
    const { client, calls } = pipeClient([() => ""]);
    await client.store(alice, 900);
    expect(calls).toEqual([`registered? ${socketPath}`, `action=store ${socketPath}`]);
  });

  it("starts a daemon on the path when no pipe answers a store, and creates no file", async () => {
    const { deps, client, calls, before } = pipeClient([noPipe, () => ""]);
    await client.store(alice, 900);
    expect(calls).toEqual([
      `registered? ${socketPath}`,
      `action=store ${socketPath}`,
      `start ${socketPath}`,
      `action=store ${socketPath}`,
    ]);
    expect(deps.vol.toJSON()).toEqual(before);
  });

  it("sends no token to a pipe no daemon of ours registered before starting one, which checks it", async () => {
    const { client, calls } = pipeClient([() => ""], false);
    await client.store(alice, 900);
    expect(calls).toEqual([`registered? ${socketPath}`, `start ${socketPath}`, `action=store ${socketPath}`]);
  });
});

import * as nodeFs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
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

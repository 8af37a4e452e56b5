// Cache daemons for unit tests, on makeTestDeps' memfs: each socket path serves a real CacheTable
// through the daemon's own handlers, or is a socket nobody listens on (a killed daemon's), or
// hangs (a daemon that never answers). memfs cannot make a socket, so stat reports one.
import type { Stats } from "node:fs";
import { posix } from "node:path";
import { CacheTable } from "../../src/cache/cache-table.js";
import { createCacheHandlers } from "../../src/cache/daemon-handlers.js";
import { decodeCacheRequest } from "../../src/cache/wire.js";
import type { Credential } from "../../src/protocol/index.js";
import type { TestDeps } from "./test-deps.js";

export type FakeDaemonState = "serving" | "gone" | "hung";

export interface FakeDaemons {
  /** The table of each serving daemon, by socket path. */
  tables: Map<string, CacheTable>;
  /** Every request a daemon received, by socket path: "erase https://alice@github.com". */
  requests: Map<string, string[]>;
  /** Puts `credential` in the daemon on `socketPath`, as a `store` from git would. */
  seed(socketPath: string, credential: Credential & { protocol: string; host: string }): void;
}

export function installFakeDaemons(deps: TestDeps, daemons: Record<string, FakeDaemonState>): FakeDaemons {
  const tables = new Map<string, CacheTable>();
  const requests = new Map<string, string[]>();
  for (const [socketPath, state] of Object.entries(daemons)) {
    deps.vol.mkdirSync(posix.dirname(socketPath), { recursive: true, mode: 0o700 });
    if (state === "serving") tables.set(socketPath, new CacheTable());
    requests.set(socketPath, []);
  }
  const socketStats = { isSocket: () => true, uid: deps.uid } as unknown as Stats;
  const fs = deps.fs;
  deps.fs = {
    ...fs,
    stat: async (path) => (path in daemons ? socketStats : fs.stat(path)),
    lstat: async (path) => (path in daemons ? socketStats : fs.lstat(path)),
  };
  deps.unixExchange = async (socketPath, payload, timeoutMs) => {
    const state = daemons[socketPath];
    if (state === undefined) throw Object.assign(new Error("connect ENOENT"), { code: "ENOENT" });
    if (state === "gone") throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const decoded = decodeCacheRequest(Buffer.from(payload, "utf8"));
    if (decoded.kind === "invalid") throw new Error(`invalid request: ${decoded.reason}`);
    const { action, credential } = decoded.request;
    requests
      .get(socketPath)
      ?.push(`${action} ${credential.protocol}://${credential.username ?? ""}@${credential.host ?? ""}`);
    if (state === "hung") throw new Error(`no answer within ${timeoutMs} ms`);
    const table = tables.get(socketPath) as CacheTable;
    return Buffer.from(
      createCacheHandlers(table, () => {})[action](decoded.request, deps.clock.now()),
      "utf8",
    );
  };
  return {
    tables,
    requests,
    seed: (socketPath, credential) => tables.get(socketPath)?.put(credential, 900_000, deps.clock.now()),
  };
}

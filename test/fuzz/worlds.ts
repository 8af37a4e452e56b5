// A fresh, seeded world per fuzz input: makeTestDeps() (memfs, fake clock) with its own
// captured io, and a store holding canary tokens. The memory store is git-credential-cache's
// daemon: its handlers run in process behind a fake socket exchange (deps.unixExchange), so the
// client, the cache wire format and the table are all real.
import type { Stats } from "node:fs";
import { dirname } from "node:path";
import { CacheTable } from "../../src/cache/cache-table.js";
import { createCacheHandlers } from "../../src/cache/daemon-handlers.js";
import { decodeCacheRequest } from "../../src/cache/wire.js";
import type { Fs, UnixExchange } from "../../src/platform/deps.js";
import { Secret } from "../../src/secret.js";
import type { StoredCredential } from "../../src/stores/token-store.js";
import { CANARY } from "../helpers/canary.js";
import { makeTestDeps, type TestDeps } from "../helpers/test-deps.js";

export type StoreKind = "file" | "memory";

export const STORE_FILE = "/home/user/.local/share/git-credential-pat/credentials";
const SOCKET = "/run/user/1000/git-credential-pat/socket";

/** What every world starts with; get may only ever answer with one of these. */
export const SEEDED: readonly StoredCredential[] = [
  { protocol: "https", host: "github.com", username: "alice", password: new Secret(CANARY.classic) },
  {
    protocol: "https",
    host: "github.com",
    path: "acme/app.git",
    username: "bob",
    password: new Secret(CANARY.classic2),
  },
  {
    protocol: "http",
    host: "127.0.0.1:8080",
    username: "fuzz-user",
    password: new Secret(CANARY.fineGrained),
  },
  { protocol: "https", host: "[::1]:3000", username: "x", password: new Secret(CANARY.plain) },
];

/** The file store's seed: SEEDED as git-credential-store lines, plus a line it cannot read (kept verbatim). */
const SEEDED_FILE = `${[
  `https://alice:${CANARY.classic}@github.com`,
  `https://bob:${CANARY.classic2}@github.com/acme/app.git`,
  "not a credential line",
  `http://fuzz-user:${CANARY.fineGrained}@127.0.0.1:8080`,
  `https://x:${encodeURIComponent(CANARY.plain)}@[::1]:3000`,
].join("\n")}\n`;

/** A cache daemon served in process: what it holds, and every request it was sent. */
export interface FakeDaemon {
  table: CacheTable;
  requests: string[];
}

/** Stands in for the socket: one exchange with the in-process daemon, or ENOENT elsewhere. */
function fakeUnixExchange(target: FakeDaemon): UnixExchange {
  return async (path, payload) => {
    if (path !== SOCKET) throw Object.assign(new Error("connect ENOENT"), { code: "ENOENT" });
    const decoded = decodeCacheRequest(Buffer.from(payload, "utf8"));
    if (decoded.kind === "invalid") {
      target.requests.push(`invalid: ${decoded.reason}`);
      return Buffer.alloc(0);
    }
    target.requests.push(decoded.request.action);
    const handlers = createCacheHandlers(target.table, () => {});
    return Buffer.from(handlers[decoded.request.action](decoded.request, FIXED_NOW), "utf8");
  };
}

/** The daemon's clock; the worlds' FakeClock never moves, so nothing expires mid-run. */
const FIXED_NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

export interface World {
  kind: StoreKind;
  deps: TestDeps;
  argv: string[];
  out: () => string;
  err: () => string;
  log: () => string;
  daemon: FakeDaemon | undefined;
  /** The store's state, to compare before and after a run. */
  snapshot: () => string;
}

export function makeWorld(kind: StoreKind, stdin: Uint8Array): World {
  let out = "";
  let err = "";
  let log = "";
  const base = makeTestDeps();
  const deps: TestDeps = {
    ...base,
    io: {
      ...base.io,
      readStdin: async ({ maxBytes }) => stdin.slice(0, maxBytes + 1),
      out: {
        write: (text) => {
          out += text;
        },
      },
      err: {
        write: (text) => {
          err += text;
        },
      },
    },
    log: {
      debug: (message) => {
        log += `${message}\n`;
      },
    },
  };
  let argv: string[];
  let snapshot: () => string;
  let daemon: FakeDaemon | undefined;
  if (kind === "file") {
    base.vol.mkdirSync(dirname(STORE_FILE), { recursive: true, mode: 0o700 });
    base.vol.writeFileSync(STORE_FILE, SEEDED_FILE, { mode: 0o600 });
    argv = ["--store=file", "--timeout=0"];
    snapshot = () => {
      const files = base.vol.toJSON(dirname(STORE_FILE));
      return JSON.stringify(files);
    };
  } else {
    const table = new CacheTable();
    for (const credential of SEEDED) table.put(credential, 900_000, FIXED_NOW);
    const current: FakeDaemon = { table, requests: [] };
    daemon = current;
    deps.unixExchange = fakeUnixExchange(current);
    base.vol.mkdirSync(dirname(SOCKET), { recursive: true, mode: 0o700 });
    // memfs cannot make a socket: report one where the daemon listens.
    const fs = base.fs;
    const socketStats = { isSocket: () => true, uid: base.uid } as unknown as Stats;
    deps.fs = {
      readFile: (path) => fs.readFile(path),
      writeFile: (path, data, options) => fs.writeFile(path, data, options),
      open: (path, flags, mode) => fs.open(path, flags, mode),
      rename: (from, to) => fs.rename(from, to),
      unlink: (path) => fs.unlink(path),
      mkdir: (path, options) => fs.mkdir(path, options),
      stat: async (path) => (path === SOCKET ? socketStats : fs.stat(path)),
      lstat: async (path) => (path === SOCKET ? socketStats : fs.lstat(path)),
      readlink: (path) => fs.readlink(path),
      chmod: (path, mode) => fs.chmod(path, mode),
      readdir: (path) => fs.readdir(path),
    } satisfies Fs;
    deps.startDaemon = async () => {
      throw new Error("the fake daemon is already listening");
    };
    argv = ["--store=memory", "--timeout=900", `--socket=${SOCKET}`];
    snapshot = () => `${current.table.size} ${current.requests.filter((r) => r !== "get").join(",")}`;
  }
  return { kind, deps, argv, out: () => out, err: () => err, log: () => log, daemon, snapshot };
}

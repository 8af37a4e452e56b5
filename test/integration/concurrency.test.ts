// Many git processes at once. First 50 real `git credential approve` started together must all
// land; then 50 real git processes doing a mix of approve, fill and reject on overlapping and
// distinct hosts and users must leave exactly the state a serial run gives, for every store:
// nothing lost, nothing corrupted, every fill answered with its own token, no lock left behind
// (git's lockfile protocol for the file store, the Secret Service for the keychain, the daemon
// for memory and for the cache in front of the other two).
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Artifact,
  accountHost,
  artifacts,
  clearKeychainHosts,
  describeKeyring,
  keychainAccounts,
  runArtifact,
  runCommand,
  uniqueHost,
} from "../helpers/artifacts.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const PROCESSES = 50;
const [binary] = artifacts() as [Artifact];

type Store = "file" | "keychain" | "memory";

function suite(store: Store): void {
  const describeFor = store === "keychain" ? describeKeyring : describe;
  describeFor(`${PROCESSES} concurrent git credential approve, ${store} store`, () => {
    let sandbox: Sandbox;
    let host: string;

    beforeEach(async () => {
      const bus =
        store === "keychain" ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {};
      sandbox = await createSandbox({ extraEnv: bus });
      host = uniqueHost();
    });
    afterEach(async () => {
      if (store === "keychain") await clearKeychainHosts([host], sandbox.env);
      await runArtifact(binary, ["exit"], { env: sandbox.env });
      await sandbox.cleanup();
    });

    it("loses no credential and leaves no lock behind", async () => {
      const helper = `${binary.helperCommand} --store=${store}`;
      const users = Array.from({ length: PROCESSES }, (_, i) => `user${i}`);
      const results = await Promise.all(
        users.map((user) =>
          sandbox.git(
            ["-c", "credential.helper=", "-c", `credential.helper=${helper}`, "credential", "approve"],
            {
              input: `protocol=https\nhost=${host}\nusername=${user}\npassword=token-${user}-0001\n\n`,
              timeoutMs: 60_000,
            },
          ),
        ),
      );
      for (const result of results) recordOutput("approve stderr", result.stderr);
      expect(results.map((result) => result.code)).toEqual(users.map(() => 0));
      expect(results.map((result) => result.stderr).join("")).toBe("");

      // Every user's own token comes back.
      const answers = await Promise.all(
        users.map((user) =>
          runArtifact(binary, [`--store=${store}`, "get"], {
            input: `protocol=https\nhost=${host}\nusername=${user}\n\n`,
            env: sandbox.env,
          }),
        ),
      );
      expect(answers.map((answer) => /^password=(.*)$/m.exec(answer.stdout.toString())?.[1])).toEqual(
        users.map((user) => `token-${user}-0001`),
      );

      if (store === "file") {
        const file = join(sandbox.home, ".local/share/git-credential-pat/credentials");
        expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(PROCESSES);
        expect(existsSync(`${file}.lock`)).toBe(false);
      }
      if (store === "keychain") {
        const mine = (await keychainAccounts(sandbox.env)).filter((account) => account.includes(`@${host}`));
        expect(mine).toHaveLength(PROCESSES);
      }
    }, 120_000);
  });
}

for (const store of ["file", "keychain", "memory"] as const) suite(store);

// ---------------------------------------------------------------------------------------------
// The mixed workload. Hosts are keys ("a"…) until a test gives them unique names; tokens are
// fixture labels ("tok-a-u00-1": host a, user u00, generation 1), never real tokens.

type HostKey = "a" | "b" | "c" | "d" | "w";
const HOST_KEYS: readonly HostKey[] = ["a", "b", "c", "d", "w"];

type Op =
  | { kind: "approve"; host: HostKey; user: string; token: string }
  | { kind: "reject"; host: HostKey; user?: string; token?: string }
  | { kind: "fill"; host: HostKey; user: string };

const u = (n: number) => `u${String(n).padStart(2, "0")}`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => u(from + i));
const seeded = (host: HostKey, user: string) => `tok-${host}-${user}-1`;
const renewed = (host: HostKey, user: string) => `tok-${host}-${user}-2`;
const wrong = (host: HostKey, user: string) => `tok-${host}-${user}-wrong`;

const approve = (host: HostKey, user: string, token: string): Op => ({ kind: "approve", host, user, token });
const reject = (host: HostKey, user?: string, token?: string): Op => ({ kind: "reject", host, user, token });
const fill = (host: HostKey, user: string): Op => ({ kind: "fill", host, user });

/** Stored one by one before the storm: several users per host, the same users on several hosts. */
const SEED: ReadonlyArray<readonly [HostKey, string]> = [
  ...range(0, 7).map((user) => ["a", user] as const),
  ...range(0, 5).map((user) => ["b", user] as const),
  ...range(0, 3).map((user) => ["c", user] as const),
  ...range(0, 3).map((user) => ["w", user] as const),
];

/**
 * 50 operations started at once. Operations on the same (host, user) are chosen so that every
 * order gives the same result (checked below against the model), yet they overlap: the same
 * hosts, the same users, the same pairs, the same keychain items and the same file lines.
 */
const WORKLOAD: readonly Op[] = [
  // Fills of seeded pairs nobody changes, on hosts where others are approved and rejected meanwhile.
  ...range(0, 3).flatMap((user) => [fill("a", user), fill("a", user)]),
  ...range(0, 1).flatMap((user) => [fill("b", user), fill("b", user)]),
  fill("c", u(0)),
  // git approves again after every successful use: the same token, nothing changes.
  approve("a", u(0), seeded("a", u(0))),
  approve("b", u(1), seeded("b", u(1))),
  // New pairs: more users on seeded hosts, the same users on several hosts, a host nobody had yet,
  // and one pair approved twice with the same token.
  ...range(10, 12).map((user) => approve("a", user, seeded("a", user))),
  ...range(10, 11).map((user) => approve("b", user, seeded("b", user))),
  ...range(10, 12).map((user) => approve("c", user, seeded("c", user))),
  ...[u(0), u(10), u(11)].map((user) => approve("d", user, seeded("d", user))),
  approve("a", u(10), seeded("a", u(10))),
  // A new token against a reject of the old one (git's "erase never removes a newer token") or of
  // a wrong one: the new token survives in every order.
  approve("a", u(4), renewed("a", u(4))),
  reject("a", u(4), seeded("a", u(4))),
  reject("a", u(4), wrong("a", u(4))),
  approve("b", u(2), renewed("b", u(2))),
  reject("b", u(2), seeded("b", u(2))),
  approve("c", u(1), renewed("c", u(1))),
  reject("c", u(1), wrong("c", u(1))),
  // Rejects with the right password, and without one (twice for the same pair).
  reject("a", u(5), seeded("a", u(5))),
  reject("b", u(3), seeded("b", u(3))),
  reject("c", u(2), seeded("c", u(2))),
  reject("a", u(6)),
  reject("a", u(6)),
  reject("b", u(4)),
  // A wrong password removes nothing, and fills of the same pairs meanwhile still get their token.
  reject("a", u(7), wrong("a", u(7))),
  reject("b", u(5), wrong("b", u(5))),
  reject("c", u(3), wrong("c", u(3))),
  fill("a", u(7)),
  fill("b", u(5)),
  // A host-wide reject (no username) over per-user rejects of the same host's pairs.
  reject("w"),
  reject("w", u(0), seeded("w", u(0))),
  reject("w", u(1)),
  reject("w", u(2), wrong("w", u(2))),
  // Nobody has this pair: the fill fails (no prompt) and never borrows another user's token.
  fill("b", u(19)),
];

/** Every (host, user) the checks ask about: all that were ever stored, plus ones never stored. */
const UNIVERSE_USERS = [...range(0, 7), ...range(10, 12), u(19)];

type State = Map<string, string>;
const slot = (host: HostKey, user: string) => `${host} ${user}`;

/** The serial semantics: git-credential-cache's matching, erase only with a matching password. */
function runSerially(order: readonly number[]): { final: State; fills: Map<number, string | undefined> } {
  const state: State = new Map(SEED.map(([host, user]) => [slot(host, user), seeded(host, user)]));
  const fills = new Map<number, string | undefined>();
  for (const index of order) {
    const op = WORKLOAD[index] as Op;
    if (op.kind === "approve") state.set(slot(op.host, op.user), op.token);
    else if (op.kind === "fill") fills.set(index, state.get(slot(op.host, op.user)));
    else {
      for (const [key, token] of [...state]) {
        const [host, user] = key.split(" ");
        const matches =
          host === op.host &&
          (op.user === undefined || user === op.user) &&
          (op.token === undefined || token === op.token);
        if (matches) state.delete(key);
      }
    }
  }
  return { final: state, fills };
}

/** A seeded shuffle (mulberry32 + Fisher-Yates), so a failing order can be replayed. */
function shuffled(length: number, seed: number): number[] {
  let t = seed;
  const random = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

const identity = Array.from({ length: WORKLOAD.length }, (_, i) => i);
const EXPECTED = runSerially(identity);

describe("the mixed concurrency workload", () => {
  it("has one serial result whatever the order, and still overlaps", () => {
    expect(WORKLOAD).toHaveLength(PROCESSES);
    const orders = [
      [...identity].reverse(),
      ...Array.from({ length: 200 }, (_, seed) => shuffled(PROCESSES, seed)),
    ];
    for (const order of orders) {
      const run = runSerially(order);
      expect([...run.final].sort()).toEqual([...EXPECTED.final].sort());
      expect([...run.fills].sort()).toEqual([...EXPECTED.fills].sort());
    }
    // Not a workload of strangers: pairs, hosts and users are shared between operations.
    const pairs = WORKLOAD.filter((op) => op.kind !== "fill").map((op) => `${op.host} ${op.user ?? "*"}`);
    expect(new Set(pairs).size).toBeLessThan(pairs.length);
    const usersOnHostA = new Set(WORKLOAD.filter((op) => op.host === "a").map((op) => op.user));
    expect(usersOnHostA.size).toBeGreaterThan(5);
    const hostsOfU00 = new Set(SEED.filter(([, user]) => user === u(0)).map(([host]) => host));
    expect(hostsOfU00.size).toBeGreaterThan(3);
    // Every kind of outcome is there: kept, replaced, removed, added, and a fill that misses.
    expect(EXPECTED.final.get(slot("a", u(4)))).toBe(renewed("a", u(4)));
    expect(EXPECTED.final.has(slot("a", u(5)))).toBe(false);
    expect(EXPECTED.final.get(slot("a", u(7)))).toBe(seeded("a", u(7)));
    expect(EXPECTED.final.get(slot("d", u(10)))).toBe(seeded("d", u(10)));
    expect([...EXPECTED.final.keys()].filter((key) => key.startsWith("w "))).toEqual([]);
    expect([...EXPECTED.fills.values()].filter((token) => token === undefined)).toHaveLength(1);
  });
});

interface Variant {
  name: string;
  /** Helper options after the command (and for the direct `get`s of the final check). */
  options: string[];
  store: Store;
  /** The cache daemon sits in front of the persistent store: it must end up right too. */
  cached: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: "file store", options: ["--store=file", "--timeout=0"], store: "file", cached: false },
  { name: "file store with the cache in front", options: ["--store=file"], store: "file", cached: true },
  { name: "keychain store", options: ["--store=keychain", "--timeout=0"], store: "keychain", cached: false },
  { name: "keychain with the cache in front (the default)", options: [], store: "keychain", cached: true },
  { name: "memory store (the cache daemon)", options: ["--store=memory"], store: "memory", cached: true },
];

function mixedSuite(variant: Variant): void {
  const describeFor = variant.store === "keychain" ? describeKeyring : describe;
  describeFor(`${PROCESSES} concurrent git approve/fill/reject, ${variant.name}`, () => {
    let sandbox: Sandbox;
    let hosts: Record<HostKey, string>;

    beforeEach(async () => {
      const bus =
        variant.store === "keychain"
          ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
          : {};
      sandbox = await createSandbox({ extraEnv: bus });
      const id = uniqueHost();
      hosts = Object.fromEntries(HOST_KEYS.map((key) => [key, `${key}-${id}`])) as Record<HostKey, string>;
    });
    afterEach(async () => {
      if (variant.store === "keychain") await clearKeychainHosts(Object.values(hosts), sandbox.env);
      await runArtifact(binary, ["exit"], { env: sandbox.env });
      await sandbox.cleanup();
    });

    const helper = () => [binary.helperCommand, ...variant.options].join(" ");
    const request = (host: HostKey, user?: string, token?: string) =>
      `protocol=https\nhost=${hosts[host]}\n${user === undefined ? "" : `username=${user}\n`}${
        token === undefined ? "" : `password=${token}\n`
      }\n`;
    const git = (action: "approve" | "fill" | "reject", input: string) =>
      sandbox.git(["-c", "credential.helper=", "-c", `credential.helper=${helper()}`, "credential", action], {
        input,
        timeoutMs: 60_000,
      });
    /** The helper's own answer for a pair, with `options` (the store alone, or the cache alone). */
    const answer = async (options: readonly string[], host: HostKey, user: string) => {
      const result = await runArtifact(binary, [...options, "get"], {
        input: request(host, user),
        env: sandbox.env,
      });
      recordOutput("get stderr", result.stderr);
      if (result.code !== 0 || result.stderr !== "") return `failed (${result.code}): ${result.stderr}`;
      return /^password=(.*)$/m.exec(result.stdout.toString("utf8"))?.[1];
    };
    const answers = async (options: readonly string[]) => {
      const state = new Map<string, string | undefined>();
      for (const host of HOST_KEYS) {
        const found = await Promise.all(UNIVERSE_USERS.map((user) => answer(options, host, user)));
        UNIVERSE_USERS.forEach((user, i) => {
          state.set(slot(host, user), found[i]);
        });
      }
      return state;
    };
    const expectedAnswers = () =>
      new Map(
        HOST_KEYS.flatMap((host) =>
          UNIVERSE_USERS.map((user) => [slot(host, user), EXPECTED.final.get(slot(host, user))]),
        ),
      );

    it("ends exactly as a serial run would, and leaves no lock behind", async () => {
      for (const [host, user] of SEED) {
        const seeding = await git("approve", request(host, user, seeded(host, user)));
        expect(seeding.code, seeding.stderr).toBe(0);
      }

      const started = performance.now();
      const results = await Promise.all(
        WORKLOAD.map((op) =>
          git(op.kind, op.kind === "fill" ? request(op.host, op.user) : request(op.host, op.user, op.token)),
        ),
      );
      const stormMs = performance.now() - started;
      for (const result of results) recordOutput(`git credential stderr`, result.stderr);

      // Each process: approve and reject succeed silently; each fill gets exactly its own token.
      const outcome = (op: Op, result: { code: number; stdout: string; stderr: string }) => {
        const label = `${op.kind} ${op.host} ${op.user ?? "*"}`;
        if (op.kind !== "fill")
          return `${label}: exit ${result.code}${result.stderr ? `, ${result.stderr}` : ""}`;
        const user = /^username=(.*)$/m.exec(result.stdout)?.[1];
        const password = /^password=(.*)$/m.exec(result.stdout)?.[1];
        // A miss ends in git's own "terminal prompts disabled"; a hit prints nothing on stderr.
        if (result.code !== 0) return `${label}: failed as ${user ?? "nobody"} with ${password ?? "nothing"}`;
        return `${label}: ok as ${user ?? "nobody"} with ${password ?? "nothing"}${result.stderr ? `, ${result.stderr}` : ""}`;
      };
      const expectedOutcome = (op: Op, index: number) => {
        const label = `${op.kind} ${op.host} ${op.user ?? "*"}`;
        if (op.kind !== "fill") return `${label}: exit 0`;
        const token = EXPECTED.fills.get(index);
        return token === undefined
          ? `${label}: failed as nobody with nothing`
          : `${label}: ok as ${op.user} with ${token}`;
      };
      expect
        .soft(WORKLOAD.map((op, i) => outcome(op, results[i] as (typeof results)[number])))
        .toEqual(WORKLOAD.map(expectedOutcome));
      // What the helper answers now (cache, then store) is the serial result, pair by pair.
      expect(await answers(variant.options)).toEqual(expectedAnswers());
      // The cache alone (--store=memory on the same socket) holds exactly the same, no stale token.
      if (variant.cached && variant.store !== "memory") {
        expect(await answers(["--store=memory"])).toEqual(expectedAnswers());
      }

      const expectedLines = [...EXPECTED.final]
        .map(([key, token]) => {
          const [host, user] = key.split(" ") as [HostKey, string];
          return {
            account: `https://${user}@${hosts[host]}`,
            line: `https://${user}:${token}@${hosts[host]}`,
            token,
          };
        })
        .sort((x, y) => x.account.localeCompare(y.account));

      if (variant.store === "file") {
        const dir = join(sandbox.home, ".local/share/git-credential-pat");
        // No lock and no temp file left: the directory holds the credential file and nothing else.
        expect(await readdir(dir)).toEqual(["credentials"]);
        expect((await stat(join(dir, "credentials"))).mode & 0o777).toBe(0o600);
        const lines = (await readFile(join(dir, "credentials"), "utf8")).split("\n");
        expect(lines.pop()).toBe("");
        expect(lines.sort()).toEqual(expectedLines.map((entry) => entry.line).sort());
      }
      // Nor in the runtime directory, where the cache's socket, the keychain's lock and the daemon
      // registry live; the registry holds records (one per daemon), never a temp file.
      const runtime = join(sandbox.env.XDG_RUNTIME_DIR as string, "git-credential-pat");
      expect(
        (await readdir(runtime).catch(() => [])).filter((name) => name !== "socket" && name !== "daemons"),
      ).toEqual([]);
      for (const name of await readdir(join(runtime, "daemons")).catch(() => []))
        expect(name).toMatch(/^[0-9a-f]{16}-[0-9a-f]{12}$/);
      if (variant.store !== "file") {
        expect(existsSync(join(sandbox.home, ".local/share/git-credential-pat"))).toBe(false);
      }
      if (variant.store === "keychain") {
        // Read back through the Secret Service itself, not through our own store code.
        const ours = new Set(Object.values(hosts));
        const accounts = (await keychainAccounts(sandbox.env)).filter((account) =>
          ours.has(accountHost(account) ?? ""),
        );
        expect(accounts.sort()).toEqual(expectedLines.map((entry) => entry.account).sort());
        const secrets = await Promise.all(
          expectedLines.map(async ({ account }) => {
            const lookup = await runCommand(
              ["secret-tool", "lookup", "service", "git-credential-pat", "username", account],
              { env: sandbox.env, timeoutMs: 10_000 },
            );
            return lookup.stdout.toString("utf8");
          }),
        );
        expect(secrets).toEqual(expectedLines.map((entry) => entry.token));
      }
      // Each store's case stays well under a minute even on a small machine.
      expect(stormMs).toBeLessThan(45_000);
    }, 120_000);
  });
}

for (const variant of VARIANTS) mixedSuite(variant);

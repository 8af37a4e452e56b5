import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { AccountsFile, TokenFacts } from "../accounts/account.js";
import type { Fs } from "../platform/deps.js";
import { fingerprint, Secret } from "../secret.js";
import type { Config, StoreName } from "../settings.js";
import type { StoredCredential } from "../stores/token-store.js";
import { decideLearning, learnAfterStore } from "./learn-trigger.js";
import { runHelper } from "./run-helper.js";

const CONFIG_DIR = "/home/user/.config/git-credential-pat";
const ACCOUNTS = `${CONFIG_DIR}/accounts.json`;
const CONFIG = `${CONFIG_DIR}/config.json`;
const FILE = "/home/user/.local/share/git-credential-pat/credentials";
const FP = fingerprint(new Secret(CANARY.classic));

const facts = (over: Partial<TokenFacts> = {}): TokenFacts => ({
  host: "ghe.acme.com",
  fingerprint: "0000aaaa",
  login: "someone",
  kind: "classic",
  checkedAtMs: 1,
  check: "valid",
  ...over,
});

function writeJson(deps: TestDeps, path: string, value: unknown): void {
  deps.vol.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  deps.vol.writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value), { mode: 0o600 });
}

/** Every path the code under test stats or reads, so a test can say what a store did not touch. */
function recordReads(deps: TestDeps): string[] {
  const paths: string[] = [];
  const fs = deps.fs;
  deps.fs = new Proxy(fs, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || (name !== "readFile" && name !== "stat")) return value;
      return (path: string, ...rest: unknown[]) => {
        paths.push(path);
        return value.apply(target, [path, ...rest]);
      };
    },
  }) as Fs;
  return paths;
}

describe("decideLearning", () => {
  const stored = (over: Partial<StoredCredential> = {}): StoredCredential => ({
    protocol: "https",
    host: "github.com",
    username: "alice",
    password: new Secret(CANARY.classic),
    ...over,
  });
  // Only the store and the token's fingerprint: nothing of git's request in a child's argv.
  const startArgs = (_host: string, _extra: string[] = []) => ["--store=file", `--fingerprint=${FP}`];

  it.each<{
    name: string;
    stored?: StoredCredential | undefined;
    storeName?: StoreName;
    config?: Config;
    env?: Record<string, string>;
    accounts?: AccountsFile | string;
    want: string[] | RegExp;
  }>([
    { name: "learns a token new to its slot on github.com", want: startArgs("github.com") },
    {
      name: "names no slot (not even a path) when git stored the token with a path",
      stored: stored({ path: "acme/app.git" }),
      want: startArgs("github.com", ["--path=acme/app.git"]),
    },
    {
      name: "does not learn a token the slot already held (git's store after every fetch)",
      stored: undefined,
      want: /already held/,
    },
    {
      name: "never learns for the memory store",
      storeName: "memory",
      want: /memory store/,
    },
    { name: "is off with config.json learn: false", config: { learn: false }, want: /learning is off/ },
    {
      name: "is off with GIT_CREDENTIAL_PAT_LEARN=0",
      env: { GIT_CREDENTIAL_PAT_LEARN: "0" },
      want: /learning is off/,
    },
    {
      name: "GIT_CREDENTIAL_PAT_LEARN=1 wins over config.json",
      config: { learn: false },
      env: { GIT_CREDENTIAL_PAT_LEARN: "1" },
      want: startArgs("github.com"),
    },
    {
      name: "does not learn a token git keeps as the username (its password is a placeholder)",
      stored: stored({ username: CANARY.classic2, password: new Secret("x-oauth-basic") }),
      want: /token as the username/,
    },
    {
      name: "does not learn for a host that is not GitHub's",
      stored: stored({ host: "git.example.com" }),
      want: /git.example.com is not a GitHub host/,
    },
    {
      name: "learns for the GHES host GH_HOST names",
      stored: stored({ host: "ghe.acme.com" }),
      env: { GH_HOST: "ghe.acme.com" },
      want: startArgs("ghe.acme.com"),
    },
    {
      name: "learns for a host an account was logged in to",
      stored: stored({ host: "ghe.acme.com" }),
      accounts: { version: 1, accounts: [account("ghe.acme.com", "bob")] },
      want: startArgs("ghe.acme.com"),
    },
    {
      name: "learns for a host whose other tokens GitHub answered for",
      stored: stored({ host: "ghe.acme.com" }),
      accounts: { version: 1, accounts: [], tokens: [facts()] },
      want: startArgs("ghe.acme.com"),
    },
    {
      name: "does not learn a token whose facts are known",
      accounts: { version: 1, accounts: [], tokens: [facts({ host: "github.com", fingerprint: FP })] },
      want: /is known already/,
    },
    {
      name: "does not learn a token a login recorded",
      accounts: {
        version: 1,
        accounts: [
          account("github.com", "alice", { fingerprint: FP, lastCheckedAtMs: 1, lastCheck: "valid" }),
        ],
      },
      want: /is known already/,
    },
    {
      name: "does not learn, quietly, when accounts.json is broken",
      accounts: "{broken",
      want: /accounts.json cannot be read/,
    },
  ])("$name", async (testCase) => {
    const { storeName, config, env, accounts, want } = testCase;
    const deps = makeTestDeps({ env: env ?? {} });
    if (accounts !== undefined) writeJson(deps, ACCOUNTS, accounts);
    // A case that names `stored` (even as undefined) means it; the others store a new token.
    const credential = "stored" in testCase ? testCase.stored : stored();
    const decision = await decideLearning(credential, storeName ?? "file", config ?? {}, deps);
    if (Array.isArray(want)) expect(decision).toEqual({ kind: "start", args: want });
    else expect(decision).toEqual({ kind: "skip", reason: expect.stringMatching(want) });
    expect(deps.stderr()).toBe("");
  });

  it("reads nothing for a token the slot already held, nor with learning off", async () => {
    const deps = makeTestDeps({ env: { GIT_CREDENTIAL_PAT_LEARN: "0" } });
    const reads = recordReads(deps);
    await decideLearning(undefined, "file", {}, deps);
    await decideLearning(stored(), "file", {}, deps);
    expect(reads).toEqual([]);
  });

  it("starts nothing, and does not fail, when the learner cannot be started", async () => {
    const deps = makeTestDeps();
    deps.startLearner = () => {
      throw new Error("spawn EAGAIN");
    };
    expect(await learnAfterStore(stored(), "file", {}, deps)).toEqual({
      kind: "skip",
      reason: "the learner did not start (spawn EAGAIN)",
    });
  });
});

describe("runHelper store and learning", () => {
  async function store(deps: TestDeps, stdin: string, flags = ["--store=file", "--timeout=0"]) {
    deps.setStdin(stdin);
    await runHelper([...flags, "store"], deps);
    return deps;
  }
  const approve = (token: string, username = "alice") =>
    `protocol=https\nhost=github.com\nusername=${username}\npassword=${token}\n`;

  it("starts one learner for a token git stores for the first time, none when git stores it again", async () => {
    const deps = makeTestDeps();
    const reads = recordReads(deps);
    await store(deps, approve(CANARY.classic));
    expect(deps.learnerCalls).toEqual([["--store=file", `--fingerprint=${FP}`]]);
    expect(reads).toContain(ACCOUNTS);
    reads.length = 0;
    await store(deps, approve(CANARY.classic));
    expect(deps.learnerCalls).toHaveLength(1);
    expect(reads).not.toContain(ACCOUNTS);
    expect(deps.stderr()).toBe("");
  });

  it("starts a learner for a new token in a slot that held another", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(dirname(FILE), { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(FILE, `https://alice:${CANARY.classic2}@github.com\n`, { mode: 0o600 });
    await store(deps, approve(CANARY.classic));
    expect(deps.learnerCalls).toHaveLength(1);
  });

  it("never learns an environment token (it is never stored)", async () => {
    const deps = makeTestDeps({ env: { GH_TOKEN: CANARY.classic } });
    await store(deps, approve(CANARY.classic, "x-access-token"));
    expect(deps.learnerCalls).toEqual([]);
    expect(deps.vol.toJSON()[FILE]).toBeUndefined();
  });

  it('with "learn": false in config.json stores the token, starts nothing and reads no accounts.json', async () => {
    const deps = makeTestDeps();
    writeJson(deps, CONFIG, { learn: false });
    const reads = recordReads(deps);
    await store(deps, approve(CANARY.classic));
    expect(deps.vol.toJSON()[FILE]).toContain("github.com");
    expect(deps.learnerCalls).toEqual([]);
    expect(reads).not.toContain(ACCOUNTS);
  });

  it("never passes the token to the learner", async () => {
    const deps = makeTestDeps();
    await store(deps, approve(CANARY.classic));
    expect(deps.learnerCalls.flat().join(" ")).not.toContain(CANARY.classic);
  });
});

import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import { CANARY } from "../../test/helpers/canary.js";
import { githubFetchStub } from "../../test/helpers/github-fetch-stub.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { AccountsFile, TokenFacts } from "../accounts/account.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { fingerprint, Secret } from "../secret.js";
import { openStore } from "../stores/open-store.js";
import { type LearnOptions, learnLockPath, runLearn, toLearnOptions, untilDeadline } from "./learn.js";

const CONFIG_DIR = "/home/user/.config/git-credential-pat";
const ACCOUNTS = `${CONFIG_DIR}/accounts.json`;
const FILE = "/home/user/.local/share/git-credential-pat/credentials";
const TOKEN = CANARY.classic;
const FP = fingerprint(new Secret(TOKEN));
/** GitHub's header format, and the instant it names. */
const EXPIRES = "2026-12-20 10:00:00 UTC";
const EXPIRES_MS = Date.UTC(2026, 11, 20, 10);

const options = (print = FP): LearnOptions => ({ store: "file", fingerprint: print });

/** A file store holding carol's token as git stored it after a prompt, and the API's answer for it. */
function setup(host = "github.com", stubbed = true) {
  const stub = githubFetchStub(
    stubbed ? { [TOKEN]: { login: "carol", scopes: ["repo"], expiresAt: EXPIRES } } : {},
  );
  const deps = makeTestDeps({ fetch: stub.fetch });
  deps.vol.mkdirSync(dirname(FILE), { recursive: true, mode: 0o700 });
  deps.vol.writeFileSync(FILE, `https://carol:${TOKEN}@${host}\n`, { mode: 0o600 });
  return { deps, stub };
}

function writeAccounts(deps: TestDeps, file: AccountsFile) {
  deps.vol.mkdirSync(CONFIG_DIR, { recursive: true, mode: 0o700 });
  deps.vol.writeFileSync(ACCOUNTS, JSON.stringify(file), { mode: 0o600 });
}

const otherFacts = (host: string, over: Partial<TokenFacts> = {}): TokenFacts => ({
  host,
  fingerprint: "0000aaaa",
  login: "someone",
  kind: "classic",
  checkedAtMs: 1,
  check: "valid",
  ...over,
});

async function storedEntry(deps: TestDeps) {
  const store = await openStore("file", {}, deps);
  return (await store.list())[0];
}

describe("toLearnOptions", () => {
  it("takes the store and the fingerprint, nothing else", () => {
    expect(toLearnOptions({ store: "keychain", fingerprint: FP })).toEqual({
      store: "keychain",
      fingerprint: FP,
    });
  });

  it.each([
    { name: "a missing fingerprint", argv: { store: "file" }, want: /--fingerprint/ },
    { name: "an unknown store", argv: { store: "vault", fingerprint: FP }, want: /--store/ },
    {
      name: "a fingerprint that is not one",
      argv: { store: "file", fingerprint: "ghp_x" },
      want: /--fingerprint/,
    },
  ])("refuses $name", ({ argv, want }) => {
    expect(() => toLearnOptions(argv)).toThrow(want);
  });
});

describe("runLearn", () => {
  it("records whose a prompt-stored token is, its scopes and its expiry; the expiry goes into the store", async () => {
    const { deps, stub } = setup();
    const outcome = await runLearn(options(), deps);
    expect(outcome).toMatchObject({ kind: "learned" });
    expect(stub.calls).toEqual([{ url: "https://api.github.com/user", authorized: true }]);
    expect((await loadAccountsData(deps)).tokens).toEqual([
      {
        host: "github.com",
        fingerprint: FP,
        login: "carol",
        kind: "classic",
        scopes: ["repo"],
        expiresAtMs: EXPIRES_MS,
        checkedAtMs: deps.clock.now(),
        check: "valid",
      },
    ]);
    expect((await storedEntry(deps))?.passwordExpiresAtMs).toBe(EXPIRES_MS);
    // The lock is gone; nothing was printed (the learner's stdio is /dev/null anyway).
    expect(deps.vol.toJSON()[learnLockPath(deps.paths, FP)]).toBeUndefined();
    expect(deps.stdout() + deps.stderr()).toBe("");
  });

  it("asks the API recorded for a GHES host (login --api-url), and records it with the facts", async () => {
    const { deps, stub } = setup("ghe.acme.com");
    writeAccounts(deps, {
      version: 1,
      accounts: [account("ghe.acme.com", "bob", { apiUrl: "https://api.ghe.acme.com" })],
    });
    expect(await runLearn(options(), deps)).toMatchObject({ kind: "learned" });
    expect(stub.calls.map((call) => call.url)).toEqual(["https://api.ghe.acme.com/user"]);
    expect((await loadAccountsData(deps)).tokens[0]).toMatchObject({ apiUrl: "https://api.ghe.acme.com" });
  });

  it("asks a GH_HOST host's default API", async () => {
    const { deps, stub } = setup("ghe.acme.com");
    deps.env = { GH_HOST: "ghe.acme.com" };
    expect(await runLearn(options(), deps)).toMatchObject({ kind: "learned" });
    expect(stub.calls.map((call) => call.url)).toEqual(["https://ghe.acme.com/api/v3/user"]);
  });

  it("works on the keychain store too", async () => {
    const stub = githubFetchStub({ [TOKEN]: { login: "carol", expiresAt: EXPIRES } });
    const deps = makeTestDeps({ fetch: stub.fetch });
    const keychain = await openStore("keychain", {}, deps);
    await keychain.store({
      protocol: "https",
      host: "github.com",
      username: "carol",
      password: new Secret(TOKEN),
    });
    expect(await runLearn({ ...options(), store: "keychain" }, deps)).toMatchObject({ kind: "learned" });
    expect((await keychain.list())[0]?.passwordExpiresAtMs).toBe(EXPIRES_MS);
  });

  it.each([
    {
      name: "records nothing when GitHub refuses the token (401): git has just used it",
      stubbed: false,
      fetch: undefined,
      want: "rejected",
    },
    {
      name: "records nothing when the API cannot be reached",
      stubbed: true,
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
      want: "failed",
    },
  ])("$name", async ({ stubbed, fetch, want }) => {
    const { deps } = setup("github.com", stubbed);
    if (fetch) deps.fetch = fetch as typeof globalThis.fetch;
    expect(await runLearn(options(), deps)).toMatchObject({ kind: want });
    expect(deps.vol.toJSON()[ACCOUNTS]).toBeUndefined();
    expect((await storedEntry(deps))?.passwordExpiresAtMs).toBeUndefined();
    expect(deps.vol.toJSON()[learnLockPath(deps.paths, FP)]).toBeUndefined();
  });

  it.each<{ name: string; prepare: (deps: TestDeps) => void; opts?: LearnOptions; want: RegExp }>([
    {
      name: "a token the store no longer holds (another replaced it by now)",
      prepare: () => {},
      opts: options("0123abcd"),
      want: /no longer holds that token/,
    },
    {
      name: "a token whose facts someone recorded meanwhile",
      prepare: (deps) =>
        writeAccounts(deps, {
          version: 1,
          accounts: [],
          tokens: [otherFacts("github.com", { fingerprint: FP })],
        }),
      want: /known already/,
    },
    {
      name: "learning switched off",
      prepare: (deps) => {
        deps.vol.writeFileSync(`${CONFIG_DIR}/config.json`, '{"learn": false}', { mode: 0o600 });
      },
      want: /learning is off/,
    },
    {
      name: "another learner holding the token's lock",
      prepare: (deps) => {
        const lock = learnLockPath(deps.paths, FP);
        deps.vol.mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
        deps.vol.writeFileSync(lock, "lock a\nbeat\n", { mode: 0o600 });
        // Stamped a second ago (memfs uses the real time): its holder is alive.
        deps.clock.nowMs = Date.now() + 1000;
      },
      want: /another learner/,
    },
  ])("asks nothing for $name", async ({ prepare, opts, want }) => {
    const { deps, stub } = setup();
    deps.vol.mkdirSync(CONFIG_DIR, { recursive: true, mode: 0o700 });
    prepare(deps);
    expect(await runLearn(opts ?? options(), deps)).toEqual({
      kind: "skipped",
      reason: expect.stringMatching(want),
    });
    expect(stub.calls).toEqual([]);
  });

  it("asks nothing for a host that is not GitHub's", async () => {
    const { deps, stub } = setup("git.example.com");
    expect(await runLearn(options(), deps)).toEqual({
      kind: "skipped",
      reason: "the token is on no GitHub host",
    });
    expect(stub.calls).toEqual([]);
  });

  it("takes over the lock of a learner that died, once it is older than the bound", async () => {
    const { deps, stub } = setup();
    const lock = learnLockPath(deps.paths, FP);
    deps.vol.mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(lock, "lock a\nbeat\n", { mode: 0o600 });
    // memfs stamps files with the real time; the fake clock is set past the bound from there.
    deps.clock.nowMs = Date.now() + 30_001;
    expect(await runLearn(options(), deps)).toMatchObject({ kind: "learned" });
    expect(stub.calls).toHaveLength(1);
    expect(deps.vol.toJSON()[lock]).toBeUndefined();
  });

  it("runs one learner at a time for a token: the second one, started meanwhile, asks nothing", async () => {
    const { deps, stub } = setup();
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const fetch = deps.fetch;
    deps.fetch = async (...args) => {
      await answered;
      return fetch(...args);
    };
    const first = runLearn(options(), deps);
    // The first holds the lock while it waits for the API.
    while (deps.vol.toJSON()[learnLockPath(deps.paths, FP)] === undefined)
      await new Promise((r) => setImmediate(r));
    const second = await runLearn(options(), deps);
    answer();
    expect(second).toEqual({ kind: "skipped", reason: "another learner is learning about this token" });
    expect(await first).toMatchObject({ kind: "learned" });
    expect(stub.calls).toHaveLength(1);
  });

  it("gives up at its deadline, records nothing and releases the lock, however long the API takes", async () => {
    const { deps } = setup();
    deps.env = { GIT_CREDENTIAL_PAT_LEARN_TIMEOUT_MS: "40" };
    deps.fetch = () => new Promise<Response>(() => {});
    expect(await runLearn(options(), deps)).toEqual({ kind: "timed-out" });
    expect(deps.vol.toJSON()[ACCOUNTS]).toBeUndefined();
    expect(deps.vol.toJSON()[learnLockPath(deps.paths, FP)]).toBeUndefined();
  });
});

describe("untilDeadline", () => {
  it("gives the work's outcome when it ends first", async () => {
    const deadline = new AbortController();
    expect(await untilDeadline(Promise.resolve({ kind: "skipped", reason: "r" }), deadline.signal)).toEqual({
      kind: "skipped",
      reason: "r",
    });
  });

  it("gives timed-out when the deadline fires first, or has already", async () => {
    const deadline = new AbortController();
    const pending = untilDeadline(new Promise(() => {}), deadline.signal);
    deadline.abort();
    expect(await pending).toEqual({ kind: "timed-out" });
    expect(await untilDeadline(new Promise(() => {}), deadline.signal)).toEqual({ kind: "timed-out" });
  });
});

describe("runLearn with a token stored for two GitHub hosts", () => {
  it("asks each host's own API about it, never another host's", async () => {
    const { deps, stub } = setup("ghe-a.test");
    deps.vol.writeFileSync(FILE, `https://carol:${TOKEN}@ghe-a.test\nhttps://carol:${TOKEN}@ghe-b.test\n`, {
      mode: 0o600,
    });
    writeAccounts(deps, {
      version: 1,
      accounts: [
        account("ghe-a.test", "bob", { apiUrl: "https://api-a.test/api/v3", store: "file" }),
        account("ghe-b.test", "dave", { apiUrl: "https://api-b.test/api/v3", store: "file" }),
      ],
    });
    expect(await runLearn(options(), deps)).toMatchObject({ kind: "learned" });
    expect(stub.calls.map((call) => new URL(call.url).host).sort()).toEqual(["api-a.test", "api-b.test"]);
    const data = await loadAccountsData(deps);
    expect(data.tokens.map((facts) => [facts.host, facts.apiUrl]).sort()).toEqual([
      ["ghe-a.test", "https://api-a.test/api/v3"],
      ["ghe-b.test", "https://api-b.test/api/v3"],
    ]);
  });
});

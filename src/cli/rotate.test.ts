// runRotate on any stored token, whoever stored it (memfs, a fake keyring, a stubbed GitHub API,
// fake cache daemons): the new token replaces the old one in every entry that held it on the
// host, its facts are recorded and the old one's dropped, and every daemon forgets the old one.
import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { installFakeDaemons } from "../../test/helpers/fake-daemons.js";
import { githubFetchStub, type StubToken } from "../../test/helpers/github-fetch-stub.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { Account, TokenFacts } from "../accounts/account.js";
import { loadAccountsData, updateAccountsData } from "../accounts/accounts-file.js";
import { registerDaemon } from "../cache/daemon-registry.js";
import { fingerprint, Secret } from "../secret.js";
import { openStore } from "../stores/open-store.js";
import type { StoredCredential } from "../stores/token-store.js";
import { runRotate, toRotateOptions } from "./rotate.js";

const KEYCHAIN = "git-credential-pat";
const DEFAULT_SOCKET = "/home/user/.cache/git-credential-pat/socket";
const CUSTOM_SOCKET = "/home/user/work/cache/socket";
const ACCOUNTS = "/home/user/.config/git-credential-pat/accounts.json";

const OLD = CANARY.classic;
const NEW = CANARY.classic2;
const BOBS = CANARY.plain;
const IN_90_DAYS = "2027-02-20 12:00:00 UTC";
const IN_90_DAYS_MS = Date.UTC(2027, 1, 20, 12);

const API: Record<string, StubToken> = {
  [NEW]: { login: "alice", scopes: ["repo", "workflow"], expiresAt: IN_90_DAYS },
  [CANARY.fineGrained]: { login: "mallory" },
  [CANARY.hex40]: { login: "alice", scopes: ["repo"] },
};

const entry = (username: string, token: string, extra: Partial<StoredCredential> = {}): StoredCredential => ({
  protocol: "https",
  host: "github.com",
  username,
  password: new Secret(token),
  ...extra,
});

const facts = (token: string, login: string, extra: Partial<TokenFacts> = {}): TokenFacts => ({
  host: "github.com",
  fingerprint: fingerprint(new Secret(token)),
  login,
  kind: "classic",
  checkedAtMs: Date.UTC(2026, 10, 1),
  check: "valid",
  ...extra,
});

function setup(tokens: Record<string, StubToken> = API) {
  const stub = githubFetchStub(tokens);
  return { deps: makeTestDeps({ fetch: stub.fetch }), stub };
}

async function seed(
  deps: TestDeps,
  entries: StoredCredential[],
  known: TokenFacts[] = [],
  accounts: Account[] = [],
) {
  const store = await openStore("keychain", {}, deps);
  for (const credential of entries) await store.store(credential);
  if (known.length > 0 || accounts.length > 0)
    await updateAccountsData(() => ({ accounts, tokens: known }), deps);
}

/** Every keychain item as "account: token" (the token's first line; the rest are attributes). */
const keychain = (deps: TestDeps) =>
  Object.fromEntries(
    [...(deps.keyringImpl.services.get(KEYCHAIN) ?? new Map<string, string>())].map(([name, secret]) => [
      name,
      secret,
    ]),
  );

const rotate = (deps: TestDeps, token: string, argv: Parameters<typeof toRotateOptions>[0] = {}) => {
  deps.setStdin(`${token}\n`);
  return runRotate(toRotateOptions({ withToken: true, ...argv }), deps);
};

const withExpiry = (token: string) => `${token}\npassword_expiry_utc=${IN_90_DAYS_MS / 1000}`;

describe("toRotateOptions", () => {
  it.each([
    {
      name: "defaults to github.com, stdin off, no --force",
      argv: {},
      want: { host: "github.com", withToken: false, force: false, apiUrl: undefined, store: undefined },
    },
    {
      name: "takes --api-url and --store",
      argv: { apiUrl: "https://api.x", store: "file" },
      want: { apiUrl: "https://api.x", store: "file" },
    },
  ])("$name", ({ argv, want }) => {
    expect(toRotateOptions(argv)).toMatchObject(want);
  });
});

describe("runRotate", () => {
  it("replaces a token git stored after its prompt in every entry that held it, and clears both daemons", async () => {
    const { deps, stub } = setup();
    await seed(deps, [
      entry("Alice", OLD),
      entry("Alice", OLD, { path: "acme/app.git" }),
      entry("alice", OLD, { path: "acme/lib.git" }),
      entry("x-access-token", OLD, { path: "acme/ci.git" }),
      entry("bob", BOBS),
      entry("Alice", OLD, { host: "ghe.acme.com" }),
    ]);
    const daemons = installFakeDaemons(deps, { [DEFAULT_SOCKET]: "serving", [CUSTOM_SOCKET]: "serving" });
    await registerDaemon(CUSTOM_SOCKET, deps);
    for (const socket of [DEFAULT_SOCKET, CUSTOM_SOCKET]) {
      daemons.seed(socket, entry("Alice", OLD, { path: "acme/app.git" }));
      daemons.seed(socket, entry("x-access-token", OLD, { path: "acme/ci.git" }));
      daemons.seed(socket, entry("bob", BOBS));
    }

    await rotate(deps, NEW, { user: "alice" });

    expect(keychain(deps)).toEqual({
      "https://Alice@github.com": withExpiry(NEW),
      "https://Alice@github.com/acme/app.git": withExpiry(NEW),
      "https://alice@github.com/acme/lib.git": withExpiry(NEW),
      "https://x-access-token@github.com/acme/ci.git": withExpiry(NEW),
      "https://bob@github.com": BOBS,
      "https://Alice@ghe.acme.com": OLD,
    });
    expect((await loadAccountsData(deps)).tokens).toEqual([
      {
        host: "github.com",
        fingerprint: fingerprint(new Secret(NEW)),
        login: "alice",
        kind: "classic",
        scopes: ["repo", "workflow"],
        expiresAtMs: IN_90_DAYS_MS,
        checkedAtMs: deps.clock.now(),
        check: "valid",
      },
    ]);
    for (const socket of [DEFAULT_SOCKET, CUSTOM_SOCKET]) expect(daemons.tables.get(socket)?.size).toBe(1);
    expect(stub.calls).toEqual([{ url: "https://api.github.com/user", authorized: true }]);
    expect(deps.stdout()).toMatch(
      /^Rotated the token for Alice@github\.com: now ghp_… \(fp [0-9a-f]{8}\)\n {2}replaced: ghp_… \(fp [0-9a-f]{8}\) in 4 entries \(keychain\)\n/,
    );
    expect(deps.stderr()).toBe("");
  });

  it("replaces a token known only by its facts (git stored it as x-access-token), and drops the old facts", async () => {
    const { deps } = setup();
    await seed(
      deps,
      [entry("x-access-token", OLD), entry("x-access-token", OLD, { path: "acme/app.git" })],
      [facts(OLD, "alice", { scopes: ["repo"], expiresAtMs: Date.UTC(2026, 11, 1) }), facts(BOBS, "bob")],
    );
    await rotate(deps, NEW, { user: "alice" });
    expect(keychain(deps)).toEqual({
      "https://x-access-token@github.com": withExpiry(NEW),
      "https://x-access-token@github.com/acme/app.git": withExpiry(NEW),
    });
    expect((await loadAccountsData(deps)).tokens.map((known) => known.login)).toEqual(["bob", "alice"]);
  });

  it("rotates the account's token and records the rotation on the account", async () => {
    const { deps } = setup();
    const alice = account("github.com", "alice", {
      isDefault: true,
      fingerprint: fingerprint(new Secret(OLD)),
      scopes: ["repo"],
      expiresAtMs: Date.UTC(2026, 11, 1),
    });
    await seed(deps, [entry("alice", OLD), entry("alice", OLD, { path: "acme/app.git" })], [], [alice]);
    await rotate(deps, NEW);
    const [updated] = (await loadAccountsData(deps)).accounts;
    expect(updated).toMatchObject({
      login: "alice",
      fingerprint: fingerprint(new Secret(NEW)),
      scopes: ["repo", "workflow"],
      expiresAtMs: IN_90_DAYS_MS,
      lastCheck: "valid",
      rotatedAtMs: deps.clock.now(),
    });
    expect(Object.values(keychain(deps))).toEqual([withExpiry(NEW), withExpiry(NEW)]);
  });

  it("never rotates an entry keeping a token as the username: alice's own entry gets the new token, the URL entries stay and are named", async () => {
    const { deps } = setup();
    const alice = account("github.com", "alice", {
      isDefault: true,
      fingerprint: fingerprint(new Secret(OLD)),
    });
    // A bot's token and alice's own kept as usernames (remote URLs https://TOKEN@github.com/…),
    // stored after alice's entry: first in the store's order.
    await seed(
      deps,
      [entry("alice", OLD), entry(BOBS, "x-oauth-basic"), entry(OLD, "x-oauth-basic")],
      [],
      [alice],
    );
    await rotate(deps, NEW, { force: true });
    expect(keychain(deps)).toEqual({
      "https://alice@github.com": withExpiry(NEW),
      [`https://${BOBS}@github.com`]: "x-oauth-basic",
      [`https://${OLD}@github.com`]: "x-oauth-basic",
    });
    expect(deps.stdout()).toContain(`replaced: ghp_… (fp ${fingerprint(new Secret(OLD))}) in 1 entry`);
    expect(deps.stderr()).toContain(
      `1 entry keeps the old token as the username (a remote URL https://TOKEN@github.com/…): remove it with "git-credential-pat logout --host github.com --user 'fp ${fingerprint(new Secret(OLD))}'"`,
    );
    expect(findCanaries(deps.stdout() + deps.stderr())).toEqual([]);
  });

  it("refuses to rotate a token kept as the username (exit 2), naming how to remove it", async () => {
    const { deps, stub } = setup();
    await seed(deps, [entry(OLD, "x-oauth-basic")]);
    await expect(rotate(deps, NEW, { user: `fp ${fingerprint(new Secret(OLD))}` })).rejects.toMatchObject({
      exitCode: 2,
      hint: expect.stringContaining(`logout --host github.com --user 'fp ${fingerprint(new Secret(OLD))}'`),
    });
    expect(stub.calls).toEqual([]);
  });

  it("keeps what is known of the old token while a remote URL's entry still holds it, and names that entry even when alice's own is gone", async () => {
    const { deps } = setup();
    const alice = account("github.com", "alice", {
      isDefault: true,
      fingerprint: fingerprint(new Secret(OLD)),
    });
    await seed(deps, [entry(OLD, "x-oauth-basic", { path: "o/r.git" })], [facts(OLD, "alice")], [alice]);
    await rotate(deps, NEW, { force: true });
    expect(keychain(deps)).toMatchObject({ "https://alice@github.com": withExpiry(NEW) });
    expect((await loadAccountsData(deps)).tokens.map((known) => known.fingerprint)).toEqual([
      fingerprint(new Secret(OLD)),
      fingerprint(new Secret(NEW)),
    ]);
    expect(deps.stderr()).toContain("1 entry keeps the old token as the username");
  });

  it("refuses to rotate into a store --store leaves out when the account's token is kept in another (exit 2)", async () => {
    const { deps } = setup();
    await seed(deps, [], [], [account("github.com", "alice", { isDefault: true, store: "keychain" })]);
    await expect(rotate(deps, NEW, { force: true, store: "file" })).rejects.toMatchObject({
      exitCode: 2,
      message: "alice@github.com's token is kept in keychain, which --store=file leaves out; nothing changed",
    });
    expect(await (await openStore("file", {}, deps)).list()).toEqual([]);
    expect((await loadAccountsData(deps)).accounts[0]?.fingerprint).toBe(
      account("github.com", "alice").fingerprint,
    );
  });

  it("refuses a login nobody has learned yet (the username a token, the password another), pointing at verify (exit 2)", async () => {
    const { deps, stub } = setup();
    await seed(deps, [entry(CANARY.hex40, OLD)]);
    await expect(rotate(deps, NEW)).rejects.toMatchObject({
      exitCode: 2,
      hint: 'run "git-credential-pat verify --host github.com", then rotate by the login it finds',
    });
    expect(stub.calls).toEqual([]);
  });

  it("keeps an account whose token is no longer stored working: the new token goes into its slot", async () => {
    const { deps } = setup();
    await seed(deps, [], [], [account("github.com", "alice", { isDefault: true })]);
    await rotate(deps, NEW, { force: true });
    expect(keychain(deps)).toEqual({ "https://alice@github.com": withExpiry(NEW) });
  });

  it("refuses to rotate a token stored under alice's name that GitHub said is bob's (exit 4, GitHub not asked)", async () => {
    const { deps, stub } = setup();
    // Bob's token pasted at the prompt for alice, and bob's own entry holding it too.
    await seed(deps, [entry("alice", OLD), entry("bob", OLD)], [facts(OLD, "bob")]);
    const before = keychain(deps);
    await expect(rotate(deps, NEW, { user: "alice" })).rejects.toMatchObject({
      exitCode: 4,
      message:
        "the token stored for alice@github.com authenticates as bob: rotating it would change bob's entries too; nothing changed",
    });
    expect(stub.calls).toHaveLength(0);
    expect(keychain(deps)).toEqual(before);
  });

  it("replaces a copy git stored while GitHub was being asked", async () => {
    const { deps, stub } = setup();
    await seed(deps, [entry("Alice", OLD)]);
    deps.fetch = async (input, init) => {
      await (await openStore("keychain", {}, deps)).store(entry("Alice", OLD, { path: "acme/late.git" }));
      return stub.fetch(input, init);
    };
    await rotate(deps, NEW, { user: "alice" });
    expect(keychain(deps)).toEqual({
      "https://Alice@github.com": withExpiry(NEW),
      "https://Alice@github.com/acme/late.git": withExpiry(NEW),
    });
  });

  it.each([
    {
      name: "another login's token (exit 4)",
      token: CANARY.fineGrained,
      known: [],
      want: { exitCode: 4, message: "the new token authenticates as mallory, not Alice; nothing changed" },
    },
    {
      name: "the token already stored (exit 2, GitHub not asked)",
      token: OLD,
      known: [],
      want: {
        exitCode: 2,
        message: "that token is the one already stored for Alice@github.com; nothing changed",
      },
    },
    {
      name: "fewer scopes than GitHub said the old one had (exit 2)",
      token: CANARY.hex40,
      known: [facts(OLD, "alice", { scopes: ["repo", "workflow"] })],
      want: { exitCode: 2, message: expect.stringContaining("it lacks workflow") },
    },
    {
      name: "an expiry earlier than the old one's (exit 2)",
      token: NEW,
      known: [facts(OLD, "alice", { scopes: ["repo", "workflow"] })],
      want: { exitCode: 2, message: expect.stringContaining("it expires earlier (2027-02-20)") },
    },
  ])("keeps the old token everywhere when offered $name", async ({ token, known, want }) => {
    const { deps } = setup();
    await seed(deps, [entry("Alice", OLD), entry("Alice", OLD, { path: "acme/app.git" })], known);
    const before = keychain(deps);
    await expect(rotate(deps, token)).rejects.toMatchObject(want);
    expect(keychain(deps)).toEqual(before);
  });

  it("takes a token nobody checked as it is: nothing to compare scopes or expiry with", async () => {
    const { deps } = setup();
    await seed(deps, [entry("Alice", OLD)]);
    await rotate(deps, CANARY.hex40);
    expect(keychain(deps)).toEqual({ "https://Alice@github.com": CANARY.hex40 });
  });

  it("refuses to pick one of several different tokens of a login without an account (exit 2)", async () => {
    const { deps, stub } = setup();
    await seed(deps, [entry("Alice", OLD), entry("Alice", BOBS, { path: "acme/app.git" })]);
    const before = keychain(deps);
    await expect(rotate(deps, NEW, { user: "alice" })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^Alice@github\.com has 2 different tokens stored: ghp_… \(fp \w+\) \(1 entry\), /,
      ),
      hint: 'forget them all with "git-credential-pat logout --host github.com --user Alice", then log in with the new token',
    });
    expect(keychain(deps)).toEqual(before);
    expect(stub.calls).toEqual([]);
  });

  it("of several tokens, replaces the account's and leaves a token git kept for one repository", async () => {
    const { deps } = setup();
    await seed(
      deps,
      [entry("alice", OLD), entry("alice", BOBS, { path: "acme/app.git" })],
      [],
      [account("github.com", "alice", { isDefault: true, fingerprint: fingerprint(new Secret(OLD)) })],
    );
    await rotate(deps, NEW, { force: true });
    expect(keychain(deps)).toEqual({
      "https://alice@github.com": withExpiry(NEW),
      "https://alice@github.com/acme/app.git": BOBS,
    });
  });

  it("finds nothing to rotate for a login with nothing stored (exit 3), before asking for a token", async () => {
    const { deps } = setup();
    await seed(deps, [entry("Alice", OLD)]);
    await expect(rotate(deps, NEW, { user: "carol" })).rejects.toMatchObject({ exitCode: 3 });
  });

  it("says which daemon still holds the old token and how to stop it, and exits 1 once the new token is in", async () => {
    const { deps } = setup();
    await seed(deps, [entry("Alice", OLD)]);
    installFakeDaemons(deps, { [DEFAULT_SOCKET]: "serving", [CUSTOM_SOCKET]: "hung" });
    await registerDaemon(CUSTOM_SOCKET, deps);
    await expect(rotate(deps, NEW)).rejects.toMatchObject({ exitCode: 1, message: "" });
    expect(keychain(deps)).toEqual({ "https://Alice@github.com": withExpiry(NEW) });
    expect(deps.stderr()).toBe(
      `git-credential-pat: the cache daemon on ${CUSTOM_SOCKET} may still hand git the old token: no answer within 1000 ms\n` +
        `hint: stop it: git-credential-pat --socket=${CUSTOM_SOCKET} exit\n`,
    );
  });

  it("puts the old token back in every entry when accounts.json cannot be written", async () => {
    const { deps } = setup();
    await seed(
      deps,
      [entry("Alice", OLD), entry("Alice", OLD, { path: "acme/app.git" }), entry("x-access-token", OLD)],
      [facts(BOBS, "bob")],
    );
    const before = keychain(deps);
    const rename = deps.fs.rename;
    deps.fs = {
      ...deps.fs,
      rename: async (from, to) => {
        if (to === ACCOUNTS) throw Object.assign(new Error(`ENOSPC: rename '${to}'`), { code: "ENOSPC" });
        return rename(from, to);
      },
    };
    await expect(rotate(deps, NEW, { user: "alice" })).rejects.toThrow(/ENOSPC/);
    expect(keychain(deps)).toEqual(before);
  });

  it("checks the new token with the API given, else the one the old token was checked with", async () => {
    const { deps, stub } = setup();
    await seed(
      deps,
      [entry("Alice", OLD, { host: "ghe.acme.com" })],
      [facts(OLD, "alice", { host: "ghe.acme.com", apiUrl: "https://api.ghe.acme.com" })],
    );
    await rotate(deps, NEW, { host: "ghe.acme.com", force: true });
    await rotate(deps, CANARY.hex40, {
      host: "ghe.acme.com",
      apiUrl: "https://other.example/api",
      force: true,
    });
    expect(stub.calls.map((call) => call.url)).toEqual([
      "https://api.ghe.acme.com/user",
      "https://other.example/api/user",
    ]);
  });
});

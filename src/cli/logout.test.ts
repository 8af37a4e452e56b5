// runLogout on any stored token, whoever stored it (memfs, a fake keyring, fake cache daemons):
// every spelling git could have stored goes, from the store and from every cache daemon; the
// account and the removed tokens' facts go; what is someone else's stays.
import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { installFakeDaemons } from "../../test/helpers/fake-daemons.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { TokenFacts } from "../accounts/account.js";
import { loadAccountsData, updateAccountsData } from "../accounts/accounts-file.js";
import { readDaemonRecords, registerDaemon } from "../cache/daemon-registry.js";
import { fingerprint, Secret } from "../secret.js";
import { openStore } from "../stores/open-store.js";
import type { StoredCredential } from "../stores/token-store.js";
import { runLogout, toLogoutOptions } from "./logout.js";

const KEYCHAIN = "git-credential-pat";
const DEFAULT_SOCKET = "/home/user/.cache/git-credential-pat/socket";
const CUSTOM_SOCKET = "/home/user/work/cache/socket";
const ACCOUNTS = "/home/user/.config/git-credential-pat/accounts.json";

/** Alice's token as git kept it after its prompt, and bob's, under the names git was given. */
const ALICE = CANARY.classic;
const BOB = CANARY.classic2;
const BOT = CANARY.fineGrained;

const entry = (username: string, token: string, extra: Partial<StoredCredential> = {}): StoredCredential => ({
  protocol: "https",
  host: "github.com",
  username,
  password: new Secret(token),
  ...extra,
});

const facts = (token: string, login: string, host = "github.com"): TokenFacts => ({
  host,
  fingerprint: fingerprint(new Secret(token)),
  login,
  kind: "classic",
  checkedAtMs: Date.UTC(2026, 10, 1),
  check: "valid",
});

async function seed(deps: TestDeps, entries: StoredCredential[], known: TokenFacts[] = [], accounts = []) {
  const store = await openStore("keychain", {}, deps);
  for (const credential of entries) await store.store(credential);
  if (known.length > 0 || accounts.length > 0)
    await updateAccountsData(() => ({ accounts, tokens: known }), deps);
}

const keychain = (deps: TestDeps) => [...(deps.keyringImpl.services.get(KEYCHAIN)?.keys() ?? [])].sort();

/** Both daemons running (the default socket and a custom --socket), each holding what git cached. */
async function withDaemons(deps: TestDeps, states = { custom: "serving" as const }) {
  const daemons = installFakeDaemons(deps, { [DEFAULT_SOCKET]: "serving", [CUSTOM_SOCKET]: states.custom });
  await registerDaemon(DEFAULT_SOCKET, deps);
  await registerDaemon(CUSTOM_SOCKET, deps);
  return daemons;
}

const logout = (deps: TestDeps, argv: Parameters<typeof toLogoutOptions>[0] = {}) =>
  runLogout(toLogoutOptions(argv), deps);

describe("toLogoutOptions", () => {
  it.each([
    {
      name: "defaults to github.com",
      argv: {},
      want: { host: "github.com", user: undefined, store: undefined },
    },
    { name: "lower-cases the host", argv: { host: "GHE.Acme.com" }, want: { host: "ghe.acme.com" } },
    { name: "keeps --user as typed", argv: { user: "Alice" }, want: { user: "Alice" } },
    { name: "takes --store", argv: { store: "file" }, want: { store: "file" } },
  ])("$name", ({ argv, want }) => {
    expect(toLogoutOptions(argv)).toMatchObject(want);
  });
});

describe("runLogout", () => {
  it("removes every spelling git stored for a login that never logged in, from the store and both daemons", async () => {
    const deps = makeTestDeps();
    await seed(
      deps,
      [
        entry("Alice", ALICE),
        entry("Alice", ALICE, { path: "acme/app.git" }),
        entry("alice", ALICE, { path: "acme/lib.git" }),
        entry("Alice", ALICE, { protocol: "http" }),
        entry("bob", BOB),
        entry("Alice", ALICE, { host: "ghe.acme.com" }),
      ],
      [facts(ALICE, "alice"), facts(BOB, "bob"), facts(ALICE, "alice", "ghe.acme.com")],
    );
    const daemons = await withDaemons(deps);
    for (const socket of [DEFAULT_SOCKET, CUSTOM_SOCKET]) {
      daemons.seed(socket, entry("Alice", ALICE, { path: "acme/app.git" }));
      daemons.seed(socket, entry("bob", BOB));
    }

    await logout(deps, { user: "alice" });

    expect(keychain(deps)).toEqual(["https://Alice@ghe.acme.com", "https://bob@github.com"]);
    expect((await loadAccountsData(deps)).tokens.map((known) => `${known.login}@${known.host}`)).toEqual([
      "bob@github.com",
      "alice@ghe.acme.com",
    ]);
    for (const socket of [DEFAULT_SOCKET, CUSTOM_SOCKET]) {
      const table = daemons.tables.get(socket);
      expect(table?.get({ protocol: "https", host: "github.com", username: "Alice" }, deps.clock.now())).toBe(
        undefined,
      );
      expect(table?.size).toBe(1); // bob's stays
    }
    expect(deps.stdout()).toMatch(
      /^Logged out alice from github\.com \(token removed from keychain\)\n {2}ghp_… \(fp [0-9a-f]{8}\): 4 entries \(Alice, alice\)\n {2}\(no account was recorded for it\)\n$/,
    );
    expect(deps.stderr()).toBe("");
  });

  it.each([
    {
      name: "a token git stored as x-access-token that authenticates as the login (its facts say so)",
      entries: [entry("x-access-token", BOT), entry("x-access-token", BOT, { path: "acme/app.git" })],
      known: [facts(BOT, "alice")],
      argv: { user: "alice" },
      kept: [],
    },
    {
      name: "the same token under another name, when nobody knows whose it is",
      entries: [entry("Alice", ALICE), entry("x-access-token", ALICE, { path: "acme/app.git" })],
      known: [],
      argv: { user: "alice" },
      kept: [],
    },
    {
      name: "only the login's: an x-access-token token that is bob's stays",
      entries: [entry("alice", ALICE), entry("x-access-token", BOT)],
      known: [facts(BOT, "bob")],
      argv: { user: "ALICE" },
      kept: ["https://x-access-token@github.com"],
    },
    {
      name: "the only login with tokens on the host, without --user",
      entries: [entry("Alice", ALICE), entry("x-access-token", BOT, { path: "acme/app.git" })],
      known: [facts(BOT, "alice")],
      argv: {},
      kept: [],
    },
  ])("removes $name", async ({ entries, known, argv, kept }) => {
    const deps = makeTestDeps();
    await seed(deps, entries, known);
    await logout(deps, argv);
    expect(keychain(deps)).toEqual(kept);
    expect((await loadAccountsData(deps)).tokens.filter((record) => record.login === "alice")).toEqual([]);
  });

  it("forgets the account and its token, and every copy git stored under the account's name", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("alice", ALICE), entry("Alice", ALICE, { path: "acme/app.git" })], [], [
      account("github.com", "alice", { isDefault: true, fingerprint: fingerprint(new Secret(ALICE)) }),
    ] as never);
    await logout(deps, {});
    expect(keychain(deps)).toEqual([]);
    expect(await loadAccountsData(deps)).toEqual({ accounts: [], tokens: [] });
    expect(deps.stdout()).toContain("Logged out alice from github.com (token removed from keychain)\n");
  });

  it("forgets an account whose token is no longer stored", async () => {
    const deps = makeTestDeps();
    await seed(deps, [], [], [account("github.com", "alice", { isDefault: true })] as never);
    await logout(deps, { user: "alice" });
    expect((await loadAccountsData(deps)).accounts).toEqual([]);
    expect(deps.stdout()).toBe("Logged out alice from github.com (no token was stored; account forgotten)\n");
  });

  it("refuses to guess between several logins (exit 2), naming them, and changes nothing", async () => {
    const deps = makeTestDeps();
    await seed(
      deps,
      [entry("Alice", ALICE), entry("bob", BOB), entry("x-access-token", BOT)],
      [facts(BOT, "bob")],
    );
    const before = keychain(deps);
    await expect(logout(deps)).rejects.toMatchObject({
      exitCode: 2,
      message: "tokens of several logins are stored for github.com: Alice, bob",
      hint: "name one with --user",
    });
    expect(keychain(deps)).toEqual(before);
  });

  it.each([
    {
      name: "a login with nothing stored",
      argv: { user: "carol" },
      want: "no token stored for carol@github.com",
    },
    {
      name: "a host with nothing stored",
      argv: { host: "ghe.acme.com" },
      want: "no token stored for ghe.acme.com",
    },
  ])("finds nothing to remove for $name (exit 3)", async ({ argv, want }) => {
    const deps = makeTestDeps();
    await seed(deps, [entry("Alice", ALICE), entry("bob", BOB)]);
    await expect(logout(deps, argv)).rejects.toMatchObject({ exitCode: 3, message: want });
    expect(keychain(deps)).toHaveLength(2);
  });

  it("prunes the record of a daemon that is gone, and clears the one that runs", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("Alice", ALICE)]);
    const daemons = await withDaemons(deps, { custom: "gone" as never });
    daemons.seed(DEFAULT_SOCKET, entry("Alice", ALICE));
    await logout(deps, { user: "alice" });
    expect((await readDaemonRecords(deps)).map((record) => record.socketPath)).toEqual([DEFAULT_SOCKET]);
    expect(daemons.tables.get(DEFAULT_SOCKET)?.size).toBe(0);
    expect(deps.stderr()).toBe("");
  });

  it("keeps what is known of a token another login's entry still holds (pasted at alice's prompt, carol's)", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("alice", BOB), entry("carol", BOB)], [facts(BOB, "carol")]);
    await logout(deps, { user: "alice" });
    expect(keychain(deps)).toEqual(["https://carol@github.com"]);
    expect((await loadAccountsData(deps)).tokens).toEqual([facts(BOB, "carol")]);
  });

  it("clears the daemons of a session without a runtime directory (cron, ssh) from one that has it", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("Alice", ALICE)]);
    // Started where XDG_RUNTIME_DIR was unset: default socket and record in the cache directory.
    const daemons = installFakeDaemons(deps, { [DEFAULT_SOCKET]: "serving", [CUSTOM_SOCKET]: "serving" });
    await registerDaemon(CUSTOM_SOCKET, deps);
    daemons.seed(DEFAULT_SOCKET, entry("Alice", ALICE));
    daemons.seed(CUSTOM_SOCKET, entry("Alice", ALICE));
    deps.paths = { ...deps.paths, runtimeDir: "/run/user/1000" };

    await logout(deps, { user: "alice" });
    expect(daemons.tables.get(DEFAULT_SOCKET)?.size).toBe(0);
    expect(daemons.tables.get(CUSTOM_SOCKET)?.size).toBe(0);
    expect(deps.stderr()).toBe("");
  });

  it("says which daemon it could not clear and how to stop it, and exits 1 after doing everything else", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("Alice", ALICE)], [facts(ALICE, "alice")]);
    const daemons = await withDaemons(deps, { custom: "hung" as never });
    daemons.seed(DEFAULT_SOCKET, entry("Alice", ALICE));

    await expect(logout(deps, { user: "alice" })).rejects.toMatchObject({ exitCode: 1, message: "" });

    expect(keychain(deps)).toEqual([]);
    expect((await loadAccountsData(deps)).tokens).toEqual([]);
    expect(daemons.tables.get(DEFAULT_SOCKET)?.size).toBe(0);
    expect(deps.stdout()).toContain("Logged out alice from github.com");
    expect(deps.stderr()).toBe(
      `git-credential-pat: the cache daemon on ${CUSTOM_SOCKET} may still hand git the old token: no answer within 1000 ms\n` +
        `hint: stop it: git-credential-pat --socket=${CUSTOM_SOCKET} exit\n`,
    );
    // Still registered: it may still be running.
    expect((await readDaemonRecords(deps)).map((record) => record.socketPath).sort()).toEqual([
      DEFAULT_SOCKET,
      CUSTOM_SOCKET,
    ]);
  });

  it("reads the store an account names as well as the configured one, and passes over a keychain that is not there", async () => {
    const deps = makeTestDeps();
    const file = await openStore("file", {}, deps);
    await file.store(entry("alice", ALICE));
    await file.store(entry("Alice", ALICE, { path: "acme/app.git" }));
    await updateAccountsData(
      () => ({
        accounts: [account("github.com", "alice", { isDefault: true, store: "file" })],
        tokens: [],
      }),
      deps,
    );
    deps.keyringImpl.unavailable = true;
    await logout(deps, {});
    expect(await file.list()).toEqual([]);
    expect(deps.stdout()).toContain("(token removed from file)");
  });

  it("removes from both stores when git's tokens are in the keychain and the account's in the file", async () => {
    const deps = makeTestDeps();
    const file = await openStore("file", {}, deps);
    await file.store(entry("alice", ALICE));
    await seed(deps, [entry("Alice", ALICE, { path: "acme/app.git" })]);
    await updateAccountsData(
      () => ({ accounts: [account("github.com", "alice", { isDefault: true, store: "file" })], tokens: [] }),
      deps,
    );
    await logout(deps, { user: "alice" });
    expect(await file.list()).toEqual([]);
    expect(keychain(deps)).toEqual([]);
    expect(deps.stdout()).toContain("(token removed from keychain and file)");
  });

  it("with --store, reads only that store and fails when it cannot be used", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("Alice", ALICE)]);
    deps.keyringImpl.unavailable = true;
    await expect(logout(deps, { store: "keychain" })).rejects.toMatchObject({ exitCode: 5 });
    await expect(logout(deps, { store: "memory" })).rejects.toMatchObject({ exitCode: 2 });
  });

  it("logs out a token git keeps as the username by the name list shows, leaving entries that share its placeholder password", async () => {
    const deps = makeTestDeps();
    // `https://TOKEN@github.com/…` makes git store the token as the username, x-oauth-basic as the password.
    await seed(
      deps,
      [entry(BOB, "x-oauth-basic"), entry("carol", "x-oauth-basic"), entry("alice", ALICE)],
      [],
      [
        account("github.com", "alice", { isDefault: true, fingerprint: fingerprint(new Secret(ALICE)) }),
      ] as never,
    );
    await logout(deps, { user: `ghp_… (fp ${fingerprint(new Secret(BOB))})` });
    expect(keychain(deps)).toEqual(["https://alice@github.com", "https://carol@github.com"]);
    expect((await loadAccountsData(deps)).accounts).toHaveLength(1);
    expect(deps.stdout()).toMatch(
      /^Logged out ghp_… \(fp [0-9a-f]{8}\) from github\.com \(token removed from keychain\)\n {2}ghp_… \(fp /,
    );
    expect(findCanaries(deps.stdout() + deps.stderr())).toEqual([]);
  });

  it("takes the bare fingerprint too, as doctor and get's warning write it", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry(BOB, "x-oauth-basic"), entry("alice", ALICE)]);
    await logout(deps, { user: `fp ${fingerprint(new Secret(BOB))}` });
    expect(keychain(deps)).toEqual(["https://alice@github.com"]);
  });

  it("logging out a token kept as the username removes the copies of that token under other names too", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry(BOB, "x-oauth-basic"), entry("x-access-token", BOB), entry("alice", ALICE)]);
    await logout(deps, { user: `fp ${fingerprint(new Secret(BOB))}` });
    expect(keychain(deps)).toEqual(["https://alice@github.com"]);
    expect(deps.stdout()).toContain(": 2 entries (");
  });

  it("refuses a fingerprint two tokens kept as the username share (exit 2), and changes nothing", async () => {
    const deps = makeTestDeps();
    // Two tokens whose fingerprints (8 hex digits) collide, found by trying.
    const [first, second] = [
      "ghp_Erywq6io0O5oJGLfCV7Y544egC9GsHSkcLox",
      "ghp_kNVq9OZuA3EfbmgbZvZecV1XtNYcDmwAxxU9",
    ];
    const print = fingerprint(new Secret(first as string));
    expect(fingerprint(new Secret(second as string))).toBe(print);
    await seed(deps, [entry(first as string, "x-oauth-basic"), entry(second as string, "x-oauth-basic")]);
    await expect(logout(deps, { user: `fp ${print}` })).rejects.toMatchObject({
      exitCode: 2,
      message: `2 different tokens kept as the username on github.com share fingerprint ${print}`,
    });
    expect(keychain(deps)).toHaveLength(2);
  });

  it("names the fingerprint it was given, as given, when no token has it (exit 3)", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry(BOB, "x-oauth-basic")]);
    await expect(logout(deps, { user: "ghp_… (fp 00000000)" })).rejects.toMatchObject({
      exitCode: 3,
      message: "no token kept as the username on github.com has fingerprint 00000000",
    });
    expect(keychain(deps)).toHaveLength(1);
  });

  it("keeps what is known of a token that a remote URL's entry still holds when alice, who pasted it, logs out", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry(BOB, "x-oauth-basic"), entry("alice", BOB)], [facts(BOB, "bob")]);
    await logout(deps, { user: "alice" });
    expect(keychain(deps)).toEqual([`https://${BOB}@github.com`]);
    expect((await loadAccountsData(deps)).tokens).toEqual([facts(BOB, "bob")]);
  });

  it("by a token's fingerprint removes only the entries keeping it as the username, not one that authenticates with a token in its password", async () => {
    const deps = makeTestDeps();
    // The remote URL carried BOB, and alice pasted her own token at git's prompt.
    await seed(deps, [entry(BOB, ALICE), entry(BOB, "x-oauth-basic", { path: "o/r.git" })]);
    await logout(deps, { user: `fp ${fingerprint(new Secret(BOB))}` });
    expect(keychain(deps)).toEqual([`https://${BOB}@github.com`]);
    expect(deps.stdout()).toContain("(token removed from keychain)");
  });

  it("tells apart tokens kept as the username that differ only in case", async () => {
    const deps = makeTestDeps();
    const lower = "0123456789abcdef0123456789abcdef01234567";
    const upper = lower.toUpperCase();
    await seed(deps, [entry(lower, "x-oauth-basic"), entry(upper, "x-oauth-basic")]);
    await logout(deps, { user: `fp ${fingerprint(new Secret(upper))}` });
    expect(keychain(deps)).toEqual([`https://${lower}@github.com`]);
    await logout(deps, { user: `fp ${fingerprint(new Secret(lower))}` });
    expect(keychain(deps)).toEqual([]);
  });

  it("never takes another token for the one kept as the username because their fingerprints collide", async () => {
    const deps = makeTestDeps();
    // Found by trying: two tokens whose 8-hex-digit fingerprints are the same.
    const [inUrl, alices] = [
      "ghp_000000000000000000000000000000004502",
      "ghp_000000000000000000000000000000042269",
    ];
    expect(fingerprint(new Secret(alices))).toBe(fingerprint(new Secret(inUrl)));
    await seed(deps, [entry(inUrl, "x-oauth-basic"), entry("alice", alices)]);
    await logout(deps, { user: `fp ${fingerprint(new Secret(inUrl))}` });
    expect(keychain(deps)).toEqual(["https://alice@github.com"]);
  });

  it("finds a token kept as the username by its fingerprint even when it is known to be alice's", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry(ALICE, "x-oauth-basic"), entry("alice", ALICE)], [], [
      account("github.com", "alice", { isDefault: true, fingerprint: fingerprint(new Secret(ALICE)) }),
    ] as never);
    await logout(deps, { user: `fp ${fingerprint(new Secret(ALICE))}` });
    expect(keychain(deps)).toEqual(["https://alice@github.com"]);
    expect((await loadAccountsData(deps)).accounts).toHaveLength(1);
  });

  it("clears what the daemons hold of a login the store no longer holds, then says nothing was stored (exit 3)", async () => {
    const deps = makeTestDeps();
    await seed(deps, [entry("bob", BOB)]);
    const daemons = await withDaemons(deps);
    daemons.seed(DEFAULT_SOCKET, entry("alice", ALICE));
    daemons.seed(CUSTOM_SOCKET, entry("alice", ALICE, { path: "acme/app.git" }));
    // As typed and in lower case, as git's prompt gets it: the store no longer says how git spelt it.
    await expect(logout(deps, { user: "Alice" })).rejects.toMatchObject({ exitCode: 3 });
    expect(daemons.tables.get(DEFAULT_SOCKET)?.size).toBe(0);
    expect(daemons.tables.get(CUSTOM_SOCKET)?.size).toBe(0);
    expect(keychain(deps)).toEqual(["https://bob@github.com"]);
  });

  it("with --store=file, keeps what is known of a token the keychain still holds", async () => {
    const deps = makeTestDeps();
    const file = await openStore("file", {}, deps);
    await file.store(entry("alice", ALICE));
    await seed(deps, [entry("alice", ALICE, { path: "acme/app.git" })], [facts(ALICE, "alice")]);
    await logout(deps, { user: "alice", store: "file" });
    expect(await file.list()).toEqual([]);
    expect(keychain(deps)).toHaveLength(1);
    expect((await loadAccountsData(deps)).tokens).toEqual([facts(ALICE, "alice")]);
  });

  it("with --store=file, keeps what is known of a token the keychain holds, whatever store the environment chose", async () => {
    const deps = makeTestDeps({ env: { GIT_CREDENTIAL_PAT_STORE: "file" } });
    const file = await openStore("file", {}, deps);
    await file.store(entry("alice", ALICE));
    await seed(deps, [entry("bob", ALICE)], [facts(ALICE, "bob")]);
    await logout(deps, { user: "alice", store: "file" });
    expect(keychain(deps)).toEqual(["https://bob@github.com"]);
    expect((await loadAccountsData(deps)).tokens).toEqual([facts(ALICE, "bob")]);
  });

  it("with --store=file and no keychain in this session, drops what is known of the tokens it removed", async () => {
    const deps = makeTestDeps();
    const file = await openStore("file", {}, deps);
    await file.store(entry("alice", ALICE));
    await updateAccountsData(() => ({ accounts: [], tokens: [facts(ALICE, "alice")] }), deps);
    deps.keyringImpl.unavailable = true;
    await logout(deps, { user: "alice", store: "file" });
    expect(await file.list()).toEqual([]);
    expect((await loadAccountsData(deps)).tokens).toEqual([]);
  });

  it("puts every removed entry back when accounts.json cannot be written", async () => {
    const deps = makeTestDeps();
    await seed(
      deps,
      [entry("Alice", ALICE), entry("alice", ALICE, { path: "acme/app.git" }), entry("x-access-token", BOT)],
      [facts(BOT, "alice")],
    );
    const before = Object.fromEntries(deps.keyringImpl.services.get(KEYCHAIN) ?? new Map());
    const rename = deps.fs.rename;
    deps.fs = {
      ...deps.fs,
      rename: async (from, to) => {
        if (to === ACCOUNTS) throw Object.assign(new Error(`ENOSPC: rename '${to}'`), { code: "ENOSPC" });
        return rename(from, to);
      },
    };
    await expect(logout(deps, { user: "alice" })).rejects.toThrow(/ENOSPC/);
    expect(Object.fromEntries(deps.keyringImpl.services.get(KEYCHAIN) ?? new Map())).toEqual(before);
  });
});

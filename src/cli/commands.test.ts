// Behaviour of people's commands (gh's runF tables): flags → options, and run* against memfs,
// a fake keyring and a stubbed GitHub API. Output never carries a token.
import { describe, expect, it } from "vitest";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { githubFetchStub, type StubToken } from "../../test/helpers/github-fetch-stub.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import { loadAccounts } from "../accounts/accounts-file.js";
import { runHelper } from "../helper/run-helper.js";
import { runList, toListOptions } from "./list.js";
import { runLogin, toLoginOptions } from "./login.js";
import { runLogout, toLogoutOptions } from "./logout.js";
import { runRotate, toRotateOptions } from "./rotate.js";
import { runVerify, toVerifyOptions } from "./verify.js";

const KEYCHAIN = "git-credential-pat";
const IN_28_DAYS = "2026-12-20 12:00:00 UTC";

function setup(tokens: Record<string, StubToken> = {}, env: Record<string, string> = {}) {
  const stub = githubFetchStub(tokens);
  const deps = makeTestDeps({ fetch: stub.fetch, env });
  return { deps, stub };
}

/** Makes `host`'s API answer with `answer()`; every other host still gets the GitHub stub. */
function answerFor(deps: TestDeps, host: string, answer: () => Response): void {
  const github = deps.fetch;
  deps.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    return new URL(url).host === host ? answer() : github(input, init);
  }) as typeof globalThis.fetch;
}

const keychainItems = (deps: TestDeps) =>
  Object.fromEntries(deps.keyringImpl.services.get(KEYCHAIN) ?? new Map());

async function login(deps: TestDeps, token: string, argv: Parameters<typeof toLoginOptions>[0] = {}) {
  deps.setStdin(`${token}\n`);
  await runLogin(toLoginOptions({ withToken: true, ...argv }), deps);
}

describe("toLoginOptions", () => {
  it.each([
    {
      name: "defaults to github.com",
      argv: {},
      want: { host: "github.com", verify: true, isDefault: false, owners: [] },
    },
    { name: "lower-cases a GHES host", argv: { host: "GHE.Acme.com" }, want: { host: "ghe.acme.com" } },
    {
      name: "collects owners",
      argv: { owner: ["acme", " widgets "] },
      want: { owners: ["acme", "widgets"] },
    },
  ])("$name", ({ argv, want }) => {
    expect(toLoginOptions(argv)).toMatchObject(want);
  });

  it.each([
    { name: "--no-verify without --user", argv: { verify: false }, want: "--no-verify needs --user" },
    {
      name: "a token typed as --user (it would be written to accounts.json as a login)",
      argv: { verify: false, user: CANARY.hex40 },
      want: "--user takes a GitHub login, and that looks like a token",
    },
    {
      name: "a host with a scheme",
      argv: { host: "https://github.com" },
      want: "--host must be a host name",
    },
  ])("refuses $name", ({ argv, want }) => {
    expect(() => toLoginOptions(argv)).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining(want) }),
    );
  });
});

describe("runLogin", () => {
  it("checks the token, keeps it in the keychain and remembers the account", async () => {
    const { deps, stub } = setup({
      [CANARY.classic]: { login: "alice", scopes: ["repo", "workflow"], expiresAt: IN_28_DAYS },
    });
    await login(deps, CANARY.classic);
    expect(keychainItems(deps)).toEqual({ "https://alice@github.com": CANARY.classic });
    expect(stub.calls).toEqual([{ url: "https://api.github.com/user", authorized: true }]);
    const [account] = await loadAccounts(deps);
    expect(account).toMatchObject({
      host: "github.com",
      login: "alice",
      kind: "classic",
      scopes: ["repo", "workflow"],
      expiresAtMs: Date.UTC(2026, 11, 20, 12),
      isDefault: true,
      store: "keychain",
      lastCheck: "valid",
    });
    expect(deps.stdout()).toContain("Logged in to github.com as alice");
    expect(deps.stdout()).toContain("expires: 2026-12-20 (in 28 days)");
    expect(deps.stdout() + deps.stderr()).not.toContain(CANARY.classic);
  });

  it("asks the GHES API under /api/v3", async () => {
    const { deps, stub } = setup({ [CANARY.fineGrained]: { login: "bob" } });
    await login(deps, CANARY.fineGrained, { host: "ghe.acme.com", owner: ["acme"] });
    expect(stub.calls[0]?.url).toBe("https://ghe.acme.com/api/v3/user");
    expect(deps.stdout()).toContain("scopes:  (permissions, not scopes)");
    expect((await loadAccounts(deps))[0]).toMatchObject({ kind: "fine-grained", owners: ["acme"] });
  });

  it("refuses a token of another user and stores nothing", async () => {
    const { deps } = setup({ [CANARY.classic]: { login: "alice", scopes: ["repo"] } });
    await expect(login(deps, CANARY.classic, { user: "mallory" })).rejects.toMatchObject({
      exitCode: 4,
      message: "the token authenticates as alice, not mallory",
    });
    expect(keychainItems(deps)).toEqual({});
  });

  it("refuses a token GitHub rejects after exactly one request, and stores nothing", async () => {
    const { deps, stub } = setup();
    await expect(login(deps, CANARY.classic)).rejects.toMatchObject({ exitCode: 4 });
    expect(stub.calls).toHaveLength(1);
    expect(keychainItems(deps)).toEqual({});
  });

  it("warns when a classic token lacks the repo scope", async () => {
    const { deps } = setup({ [CANARY.classic]: { login: "alice", scopes: ["read:org"] } });
    await login(deps, CANARY.classic);
    expect(deps.stderr()).toContain("this classic token has no repo scope");
  });

  it("keeps the first account the default until another is made default", async () => {
    const { deps } = setup({
      [CANARY.classic]: { login: "alice", scopes: ["repo"] },
      [CANARY.classic2]: { login: "bob", scopes: ["repo"] },
    });
    await login(deps, CANARY.classic);
    await login(deps, CANARY.classic2);
    expect((await loadAccounts(deps)).map((a) => `${a.login}:${a.isDefault}`)).toEqual([
      "alice:true",
      "bob:false",
    ]);
    await login(deps, CANARY.classic2, { default: true });
    expect((await loadAccounts(deps)).map((a) => `${a.login}:${a.isDefault}`)).toEqual([
      "alice:false",
      "bob:true",
    ]);
  });

  it("stores without asking GitHub with --no-verify", async () => {
    const { deps, stub } = setup();
    await login(deps, CANARY.classic, { verify: false, user: "alice", store: "file" });
    expect(stub.calls).toEqual([]);
    expect(deps.vol.readFileSync("/home/user/.local/share/git-credential-pat/credentials", "utf8")).toBe(
      `https://alice:${CANARY.classic}@github.com\n`,
    );
    expect(deps.stdout()).toContain("(not verified: --no-verify)");
  });
});

describe("runLogout", () => {
  it("forgets the token and the account", async () => {
    const { deps } = setup(
      { [CANARY.classic]: { login: "alice", scopes: ["repo"] } },
      { GH_TOKEN: CANARY.classic2 },
    );
    await login(deps, CANARY.classic);
    await runLogout(toLogoutOptions({}), deps);
    expect(keychainItems(deps)).toEqual({});
    expect(await loadAccounts(deps)).toEqual([]);
    expect(deps.stderr()).toContain("GH_TOKEN is set and still serves github.com");
  });

  it("takes the host's default account when no --user is given", async () => {
    const { deps } = setup({
      [CANARY.classic]: { login: "alice", scopes: ["repo"] },
      [CANARY.classic2]: { login: "bob", scopes: ["repo"] },
    });
    await login(deps, CANARY.classic);
    await login(deps, CANARY.classic2);
    await runLogout(toLogoutOptions({}), deps);
    expect((await loadAccounts(deps)).map((a) => `${a.login}:${a.isDefault}`)).toEqual(["bob:true"]);
  });

  it.each([
    { name: "an unknown account", argv: { host: "ghe.acme.com" }, want: { exitCode: 3 } },
    { name: "an unknown user", argv: { user: "carol" }, want: { exitCode: 3 } },
  ])("refuses $name", async ({ argv, want }) => {
    const { deps } = setup({
      [CANARY.classic]: { login: "alice", scopes: ["repo"] },
      [CANARY.classic2]: { login: "bob", scopes: ["repo"] },
    });
    await login(deps, CANARY.classic);
    await login(deps, CANARY.classic2);
    await expect(runLogout(toLogoutOptions(argv), deps)).rejects.toMatchObject(want);
  });
});

describe("runList", () => {
  it("prints accounts and environment tokens as JSON, never a token", async () => {
    const { deps } = setup(
      { [CANARY.classic]: { login: "alice", scopes: ["repo"], expiresAt: IN_28_DAYS } },
      { GH_TOKEN: CANARY.fineGrained },
    );
    await login(deps, CANARY.classic, { owner: ["acme"] });
    const before = deps.stdout().length;
    await runList(toListOptions({ json: true }), deps);
    const rows = JSON.parse(deps.stdout().slice(before));
    expect(rows).toEqual([
      expect.objectContaining({
        host: "github.com",
        login: "alice",
        kind: "classic",
        scopes: ["repo"],
        expiry: "ok",
        source: "keychain",
        isDefault: true,
        owners: ["acme"],
      }),
      expect.objectContaining({
        host: "github.com",
        login: null,
        kind: "fine-grained",
        source: "env GH_TOKEN",
      }),
    ]);
    expect(deps.stdout()).not.toContain(CANARY.classic);
    expect(deps.stdout()).not.toContain(CANARY.fineGrained);
  });

  it("shows how soon a token expires in the table", async () => {
    const { deps } = setup({
      [CANARY.classic]: { login: "alice", scopes: ["repo"], expiresAt: "2026-11-25 12:00:00 UTC" },
    });
    await login(deps, CANARY.classic);
    const before = deps.stdout().length;
    await runList(toListOptions({}), deps);
    const table = deps.stdout().slice(before).split("\n");
    expect(table[0]).toMatch(/^HOST\s+LOGIN\s+KIND\s+SCOPES\s+EXPIRES\s+SOURCE\s+ROUTING\s+CHECKED$/);
    expect(table[1]).toMatch(
      /^github\.com\s+alice\s+classic\s+repo\s+2026-11-25 \(in 3 days\)\s+keychain\s+default\s+2026-11-22$/,
    );
  });
});

describe("runVerify", () => {
  it("records a valid token and fails (exit 4) on one GitHub rejects", async () => {
    const { deps, stub } = setup({
      [CANARY.classic]: { login: "alice", scopes: ["repo"] },
      [CANARY.classic2]: { login: "bob", scopes: ["repo"] },
    });
    await login(deps, CANARY.classic);
    await login(deps, CANARY.classic2);
    stub.tokens.delete(CANARY.classic2);
    deps.clock.advance(3600_000);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    expect(deps.stdout()).toMatch(/ok {3}alice@github.com: valid; scopes repo; expires never/);
    expect(deps.stdout()).toMatch(
      /FAIL bob@github.com: .*401.*; run "git-credential-pat rotate --host github.com --user bob"/,
    );
    const accounts = await loadAccounts(deps);
    expect(accounts.map((a) => [a.login, a.lastCheck, a.lastCheckedAtMs])).toEqual([
      ["alice", "valid", deps.clock.now()],
      ["bob", "rejected", deps.clock.now()],
    ]);
  });
});

describe("runRotate", () => {
  const tokens = {
    [CANARY.classic]: { login: "alice", scopes: ["repo", "workflow"] },
    [CANARY.classic2]: { login: "alice", scopes: ["repo", "workflow"], expiresAt: IN_28_DAYS },
    [CANARY.fineGrained]: { login: "mallory", scopes: ["repo"] },
    [CANARY.plain]: { login: "alice", scopes: ["repo"] },
  };

  async function rotate(deps: TestDeps, token: string, argv: Parameters<typeof toRotateOptions>[0] = {}) {
    deps.setStdin(`${token}\n`);
    await runRotate(toRotateOptions({ withToken: true, ...argv }), deps);
  }

  it("swaps in a checked token of the same login", async () => {
    const { deps } = setup(tokens);
    await login(deps, CANARY.classic);
    await rotate(deps, CANARY.classic2, { force: true });
    // The new token's expiry travels with it, so git gets password_expiry_utc.
    expect(keychainItems(deps)).toEqual({
      "https://alice@github.com": `${CANARY.classic2}\npassword_expiry_utc=${Date.UTC(2026, 11, 20, 12) / 1000}`,
    });
    expect((await loadAccounts(deps))[0]).toMatchObject({
      rotatedAtMs: deps.clock.now(),
      expiresAtMs: Date.UTC(2026, 11, 20, 12),
    });
    expect(deps.stdout()).toContain("Rotated the token for alice@github.com");
  });

  it.each([
    {
      name: "another login's token",
      token: CANARY.fineGrained,
      want: { exitCode: 4, message: expect.stringContaining("authenticates as mallory") },
    },
    {
      name: "fewer scopes",
      token: CANARY.plain,
      want: { exitCode: 2, message: expect.stringContaining("it lacks workflow") },
    },
    {
      name: "an earlier expiry",
      token: CANARY.classic2,
      want: { exitCode: 2, message: expect.stringContaining("it expires earlier") },
    },
  ])("keeps the old token when offered $name", async ({ token, want }) => {
    const { deps } = setup(tokens);
    await login(deps, CANARY.classic);
    await expect(rotate(deps, token)).rejects.toMatchObject(want);
    expect(keychainItems(deps)).toEqual({ "https://alice@github.com": CANARY.classic });
  });
});

// A token git stored from its own prompt: no account, any username. The store is the one truth.
describe("commands on a token git stored from its prompt", () => {
  async function gitStores(
    deps: TestDeps,
    username: string,
    token: string,
    host = "github.com",
    path?: string,
  ) {
    deps.setStdin(
      `protocol=https\nhost=${host}\n${path ? `path=${path}\n` : ""}username=${username}\npassword=${token}\n`,
    );
    await runHelper(["--timeout=0", "store"], deps);
  }
  const listJson = async (deps: TestDeps) => {
    const before = deps.stdout().length;
    await runList(toListOptions({ json: true }), deps);
    return JSON.parse(deps.stdout().slice(before));
  };

  it("list shows it, unverified, with the command that verifies it", async () => {
    const { deps } = setup();
    await gitStores(deps, "Octocat", CANARY.classic);
    expect(await listJson(deps)).toEqual([
      expect.objectContaining({
        host: "github.com",
        username: "Octocat",
        login: null,
        kind: "classic",
        source: "keychain",
        isVerified: false,
        lastCheckedAt: null,
      }),
    ]);
    const before = deps.stdout().length;
    await runList(toListOptions({}), deps);
    const table = deps.stdout().slice(before);
    expect(table).toMatch(/^github\.com\s+Octocat \(unverified\)\s+classic\s+unknown\s+unknown\s+keychain/m);
    expect(table).toContain('Not verified yet: run "git-credential-pat verify --host github.com"');
    expect(table).not.toContain(CANARY.classic);
  });

  it("a token git keeps as the username (https://TOKEN@github.com) is described by every command, never shown", async () => {
    const { deps, stub } = setup();
    await gitStores(deps, CANARY.classic2, "x-oauth-basic");
    await runList(toListOptions({}), deps);
    expect((await listJson(deps))[0].username).toMatch(/^ghp_… \(fp [0-9a-f]{8}\)$/);
    // Its password is a placeholder: verify sends nothing (a 401 about x-oauth-basic would be false).
    await runVerify(toVerifyOptions({}), deps);
    expect(stub.calls).toEqual([]);
    expect(deps.stdout()).toMatch(/^skip ghp_… \(fp [0-9a-f]{8}\)@github\.com: git keeps it under a token/m);
    const fix =
      /remove it with "git-credential-pat logout --host github\.com --user '(fp [0-9a-f]{8})'"/.exec(
        deps.stdout(),
      );
    expect(fix).not.toBeNull();
    // The command it suggests works as written: the token never has to be typed.
    await runLogout(toLogoutOptions({ user: fix?.[1] }), deps);
    expect(deps.stdout()).toMatch(/Logged out ghp_… \(fp [0-9a-f]{8}\) from github\.com/);
    expect(keychainItems(deps)).toEqual({});
    expect(findCanaries(deps.stdout() + deps.stderr())).toEqual([]);
  });

  it("verify and list name each token kept as the username by its own fingerprint, not their shared placeholder's", async () => {
    const { deps, stub } = setup();
    await gitStores(deps, CANARY.classic, "x-oauth-basic");
    await gitStores(deps, CANARY.classic2, "x-oauth-basic");
    await runVerify(toVerifyOptions({}), deps);
    const skipped = deps.stdout().match(/^skip ghp_… \(fp ([0-9a-f]{8})\)/gm) ?? [];
    expect(new Set(skipped).size).toBe(2);
    expect(stub.calls).toEqual([]);
  });

  it.each([
    { name: "alice's entry first", order: ["alice", "url"] },
    { name: "the remote URL's entry first", order: ["url", "alice"] },
  ])(
    "verify checks a token held as a password even when a remote URL keeps it as the username too ($name)",
    async ({ order }) => {
      const { deps, stub } = setup();
      for (const which of order)
        if (which === "alice") await gitStores(deps, "alice", CANARY.classic);
        else await gitStores(deps, CANARY.classic, "x-oauth-basic");
      // GitHub refuses it: the entry holding it as the password says so; the URL's entry is skipped.
      await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
      expect(stub.calls).toHaveLength(1);
      expect(deps.stdout()).toMatch(/^FAIL alice@github\.com: /m);
      expect(deps.stdout()).toMatch(/^skip ghp_… \(fp [0-9a-f]{8}\)@github\.com: /m);
    },
  );

  it("verify names the logout, not a rotate, for a remote URL's entry holding alice's token", async () => {
    const { deps } = setup({ [CANARY.classic]: { login: "alice", scopes: ["repo"] } });
    await login(deps, CANARY.classic, { verify: false, user: "alice" });
    await gitStores(deps, CANARY.classic, "x-oauth-basic", "github.com", "o/r.git");
    await runVerify(toVerifyOptions({}), deps);
    expect(deps.stdout()).toMatch(/^ok {3}alice@github\.com: valid/m);
    expect(deps.stdout()).toMatch(
      /^skip alice@github\.com: git keeps it under a token as the username: remove it with "git-credential-pat logout --host github\.com --user 'fp [0-9a-f]{8}'"/m,
    );
  });

  it("a token in the password is the token, even when the username looks like one too (a URL token, then the prompt)", async () => {
    const { deps, stub } = setup({ [CANARY.fineGrained]: { login: "alice" } });
    await gitStores(deps, CANARY.classic, CANARY.fineGrained);
    await runVerify(toVerifyOptions({}), deps);
    expect(stub.calls).toEqual([expect.objectContaining({ authorized: true })]);
    expect(await listJson(deps)).toEqual([expect.objectContaining({ login: "alice", kind: "fine-grained" })]);
  });

  it("a username with escape sequences is printed with them made harmless", async () => {
    const { deps } = setup();
    await gitStores(deps, "\x1b]0;owned\x07alice", CANARY.classic);
    await runList(toListOptions({}), deps);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    await runLogout(toLogoutOptions({}), deps);
    expect(deps.stdout()).toContain("?]0;owned?alice (unverified)");
    expect(deps.stdout()).toContain("FAIL ?]0;owned?alice@github.com: ");
    expect(deps.stdout()).toContain("Logged out ?]0;owned?alice from github.com");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters.
    expect(deps.stdout() + deps.stderr()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  });

  it("verify checks it, records what GitHub says, and git then gets its expiry", async () => {
    const { deps, stub } = setup({
      [CANARY.classic]: { login: "octocat", scopes: ["repo", "delete_repo"], expiresAt: IN_28_DAYS },
    });
    await gitStores(deps, "x-access-token", CANARY.classic);
    await gitStores(deps, "x-access-token", CANARY.classic, "github.com", "acme/app.git");
    await runVerify(toVerifyOptions({}), deps);
    expect(stub.calls).toHaveLength(1);
    // Once GitHub named its owner, --user finds it by login too.
    await runVerify(toVerifyOptions({ user: "OctoCat" }), deps);
    expect(stub.calls).toHaveLength(2);
    expect(deps.stdout()).toMatch(
      /ok {3}octocat@github\.com: valid; scopes repo, delete_repo; expires 2026-12-20/,
    );
    expect(deps.stdout()).toContain("warning: has scopes a git client never needs (delete_repo)");
    const rows = await listJson(deps);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: "acme/app.git",
          login: "octocat",
          isVerified: true,
          scopes: ["repo", "delete_repo"],
        }),
        expect.objectContaining({
          path: null,
          login: "octocat",
          expiresAt: "2026-12-20T12:00:00.000Z",
          expiry: "ok",
        }),
      ]),
    );
    // Its expiry is now kept beside the token in each item, for git's password_expiry_utc.
    const expiry = `password_expiry_utc=${Date.UTC(2026, 11, 20, 12) / 1000}`;
    const secrets = Object.values(keychainItems(deps)) as string[];
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(secret.endsWith(`\n${expiry}`)).toBe(true);
  });

  it("verify records an expiry beside the host-wide token without touching the user's repository tokens", async () => {
    const { deps } = setup({
      [CANARY.classic]: { login: "octocat", scopes: ["repo"], expiresAt: IN_28_DAYS },
    });
    await gitStores(deps, "octocat", CANARY.classic);
    await gitStores(deps, "octocat", CANARY.fineGrained, "github.com", "acme/app.git");
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    const rows = await listJson(deps);
    expect(rows.map((row: { path: string | null }) => row.path).sort()).toEqual(
      ["acme/app.git", null].sort(),
    );
  });

  it("verify fails (exit 4) on a prompt-stored token GitHub rejects, and says how to replace it", async () => {
    const { deps } = setup();
    await gitStores(deps, "octocat", CANARY.classic2);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    expect(deps.stdout()).toContain("FAIL octocat@github.com: ");
    expect(deps.stdout()).toContain('run "git-credential-pat rotate --host github.com --user octocat"');
    // Nobody learned whose it is (only git's username): nothing is recorded, the next verify asks again.
    expect(await listJson(deps)).toEqual([expect.objectContaining({ lastCheck: null, isVerified: false })]);
  });

  it("verify records GitHub's refusal of a token whose login it learned before", async () => {
    const { deps, stub } = setup({ [CANARY.classic2]: { login: "octocat", scopes: ["repo"] } });
    await gitStores(deps, "x-access-token", CANARY.classic2);
    await runVerify(toVerifyOptions({}), deps);
    stub.tokens.delete(CANARY.classic2);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    expect(await listJson(deps)).toEqual([
      expect.objectContaining({ login: "octocat", lastCheck: "rejected", isVerified: true }),
    ]);
  });

  it("verify skips a token for a host whose API is not GitHub's", async () => {
    const { deps, stub } = setup();
    answerFor(
      deps,
      "gitlab.example",
      () => new Response("<html>not found</html>", { status: 404, headers: { "content-type": "text/html" } }),
    );
    await gitStores(deps, "someone", CANARY.plain, "gitlab.example");
    await runVerify(toVerifyOptions({}), deps);
    expect(deps.stdout()).toMatch(/^skip someone@gitlab\.example: not a known GitHub host/m);
    expect(stub.calls).toHaveLength(0);
  });

  it("verify skips a host nobody knows to be GitHub's whose API answers 200 without GitHub's request id, and records nothing", async () => {
    const { deps } = setup();
    // A server answering 200 with a login to anything: not GitHub (no X-GitHub-Request-Id).
    answerFor(deps, "git.example", () =>
      Response.json({ login: "mallory" }, { headers: { "content-type": "application/json" } }),
    );
    await gitStores(deps, "someone", CANARY.plain, "git.example");
    await runVerify(toVerifyOptions({}), deps);
    expect(deps.stdout()).toMatch(/^skip someone@git\.example: not a known GitHub host/m);
    expect(await listJson(deps)).toEqual([expect.objectContaining({ isVerified: false })]);
  });

  it("verify records an expired token as expired, and says it once", async () => {
    const { deps } = setup({
      [CANARY.classic2]: { login: "octocat", scopes: ["repo"], expiresAt: "2020-01-01 00:00:00 UTC" },
    });
    await gitStores(deps, "octocat", CANARY.classic2);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    expect(deps.stdout()).toMatch(/^FAIL octocat@github\.com: expired 2020-01-01 \(/m);
    expect(deps.stdout()).not.toContain("expired expired");
    expect(await listJson(deps)).toEqual([expect.objectContaining({ lastCheck: "expired" })]);
  });

  it("verify never shows a token typed as --user, nor one git keeps as the username, in its progress", async () => {
    const { deps } = setup();
    deps.io.isStderrTTY = true;
    await gitStores(deps, CANARY.classic, "x-oauth-basic");
    await gitStores(deps, "\u001b]0;owned\u0007bob", CANARY.classic2);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toMatchObject({ exitCode: 4 });
    await expect(runVerify(toVerifyOptions({ user: CANARY.hex40 }), deps)).rejects.toMatchObject({
      exitCode: 3,
    });
    const output = deps.stdout() + deps.stderr();
    expect(findCanaries(output)).toEqual([]);
    expect(deps.stderr()).toMatch(/checking 1\/2: ghp_… \(fp [0-9a-f]{8}\)@github\.com/);
    expect(output).not.toContain("\u001b]");
  });

  it("verify names what it cannot find (exit 3)", async () => {
    const { deps } = setup();
    await expect(runVerify(toVerifyOptions({ host: "ghe.acme.com" }), deps)).rejects.toMatchObject({
      exitCode: 3,
      message: "no stored token for ghe.acme.com",
    });
  });
});

describe("runLogin advice", () => {
  it("names scopes a git client never needs and a missing expiry, in its report", async () => {
    const { deps } = setup({ [CANARY.classic]: { login: "alice", scopes: ["repo", "delete_repo"] } });
    await login(deps, CANARY.classic);
    expect(deps.stdout()).toContain(
      "  advice:  this token has scopes a git client never needs (delete_repo): make a token with only repo (and workflow) and rotate to it\n",
    );
    expect(deps.stdout()).toContain("  advice:  this token never expires: GitHub advises an expiry");
    expect(deps.stderr()).toBe("");
  });

  it("gives no advice for a token that follows it", async () => {
    const { deps } = setup({ [CANARY.classic]: { login: "alice", scopes: ["repo"], expiresAt: IN_28_DAYS } });
    await login(deps, CANARY.classic);
    expect(deps.stdout()).not.toContain("advice:");
  });
});

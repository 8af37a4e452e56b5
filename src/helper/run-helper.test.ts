import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { FakeClock, makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { Account } from "../accounts/account.js";
import { fingerprint, Secret } from "../secret.js";
import { runHelper } from "./run-helper.js";

const FILE = "/home/user/.local/share/git-credential-pat/credentials";

async function helper(
  action: string,
  stdin: string,
  deps = makeTestDeps(),
  flags = ["--store=file", "--timeout=0"],
) {
  deps.setStdin(stdin);
  await runHelper([...flags, action], deps);
  return deps;
}

describe("runHelper", () => {
  it("stores what git approves and gives it back on get", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
    );
    const out = await helper("get", "protocol=https\nhost=github.com\n\n", deps);
    expect(out.stdout()).toBe(`username=alice\npassword=${CANARY.classic}\n`);
  });

  it.each([
    { name: "no match prints nothing", stdin: "protocol=https\nhost=example.com\n" },
    { name: "a request without host prints nothing", stdin: "protocol=https\n" },
    { name: "empty input prints nothing", stdin: "" },
  ])("get: $name and exits quietly", async ({ stdin }) => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
    );
    const out = await helper("get", stdin, deps);
    expect(out.stdout()).toBe("");
    expect(out.stderr()).toBe("");
  });

  it.each([
    { name: "", request: "url=https://github.com\nwwwauth[]=Basic realm=x\n", capability: "" },
    {
      name: ", announcing authtype to a git that asked",
      request: "url=https://github.com\nwwwauth[]=Basic realm=x\ncapability[]=authtype\n",
      capability: "capability[]=authtype\n",
    },
  ])("never prints url= or anything but username and password$name", async ({ request, capability }) => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
    );
    const out = await helper("get", request, deps);
    expect(out.stdout()).toBe(`${capability}username=alice\npassword=${CANARY.classic}\n`);
  });

  it("ignores an unknown action without reading stdin", async () => {
    const deps = makeTestDeps();
    deps.setStdin("garbage without equals\n");
    await runHelper(["frobnicate"], deps);
    expect(deps.stdout() + deps.stderr()).toBe("");
  });

  it("warns once about ssh and gives no credential", async () => {
    const deps = await helper("get", "protocol=ssh\nhost=github.com\npath=acme/app.git\n");
    expect(deps.stdout()).toBe("");
    expect(deps.stderr()).toBe(
      "git-credential-pat: personal access tokens only work over HTTPS, not ssh://github.com; switch the remote: git remote set-url origin https://github.com/acme/app.git\n",
    );
  });

  it("does not keep a token for plain http to a real host, and says so", async () => {
    const deps = await helper(
      "store",
      `protocol=http\nhost=example.com\nusername=a\npassword=${CANARY.classic}\n`,
    );
    expect(deps.vol.existsSync(FILE)).toBe(false);
    expect(deps.stderr()).toBe(
      'git-credential-pat: not storing a token for http://example.com: tokens are kept only for https; allow plain http with "allowHttp": true in config.json or GIT_CREDENTIAL_PAT_ALLOW_HTTP=1\n',
    );
  });

  it("never answers a plain-http get for a real host, even from a line git's credential-store wrote", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.local/share/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(FILE, `http://a:${CANARY.classic}@example.com\n`, { mode: 0o600 });
    deps.setStdin("protocol=http\nhost=example.com\n");
    await runHelper(["--store=file", "--timeout=0", "get"], deps);
    expect(deps.stdout()).toBe("");
    expect(deps.stderr()).toBe(
      'git-credential-pat: not sending a token over plain http to example.com; use https, or allow plain http with "allowHttp": true in config.json or GIT_CREDENTIAL_PAT_ALLOW_HTTP=1\n',
    );
  });

  it.each([
    {
      name: "GIT_CREDENTIAL_PAT_ALLOW_HTTP=1",
      env: { GIT_CREDENTIAL_PAT_ALLOW_HTTP: "1" },
      config: undefined,
    },
    { name: 'config.json "allowHttp": true', env: {}, config: '{"allowHttp": true}' },
  ])("keeps and serves a token for plain http to a real host with $name", async ({ env, config }) => {
    const deps = makeTestDeps({ env });
    if (config) {
      deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
      deps.vol.writeFileSync("/home/user/.config/git-credential-pat/config.json", config, { mode: 0o600 });
    }
    await helper("store", `protocol=http\nhost=example.com\nusername=a\npassword=${CANARY.classic}\n`, deps);
    await helper("get", "protocol=http\nhost=example.com\n", deps);
    expect(deps.stdout()).toBe(`username=a\npassword=${CANARY.classic}\n`);
    expect(deps.stderr()).toBe("");
  });

  it("GIT_CREDENTIAL_PAT_ALLOW_HTTP=0 wins over config.json", async () => {
    const deps = makeTestDeps({ env: { GIT_CREDENTIAL_PAT_ALLOW_HTTP: "0" } });
    deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync("/home/user/.config/git-credential-pat/config.json", '{"allowHttp": true}', {
      mode: 0o600,
    });
    await helper("store", `protocol=http\nhost=example.com\nusername=a\npassword=${CANARY.classic}\n`, deps);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it("says nothing about a plain-http get for a host it holds no token for", async () => {
    const deps = await helper("get", "protocol=http\nhost=example.com\n");
    expect(deps.stdout() + deps.stderr()).toBe("");
  });

  it.each([
    {
      name: "does not serve a token whose expiry, as git handed it over, has passed",
      expiry: "1700000000",
      want: "",
    },
    {
      name: "serves a token whose expiry is still ahead, with it",
      expiry: "1900000000",
      want: `username=alice\npassword=${CANARY.classic}\npassword_expiry_utc=1900000000\n`,
    },
  ])("$name", async ({ expiry, want }) => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\npassword_expiry_utc=${expiry}\n`,
    );
    const out = await helper("get", "protocol=https\nhost=github.com\n", deps);
    expect(out.stdout()).toBe(want);
  });

  it("warns, once a day, about a token git stored whose expiry (as git handed it over) is near", async () => {
    const deps = makeTestDeps();
    const inThreeDays = Math.floor(deps.clock.now() / 1000) + 3 * 86_400;
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=octocat\npassword=${CANARY.classic}\npassword_expiry_utc=${inThreeDays}\n`,
      deps,
    );
    await helper("get", "protocol=https\nhost=github.com\n", deps);
    await helper("get", "protocol=https\nhost=github.com\n", deps);
    expect(deps.stderr().match(/expires in 3 days/g)).toHaveLength(1);
    expect(deps.stderr()).toContain(
      'rotate it with "git-credential-pat rotate --host github.com --user octocat"',
    );
  });

  it("names a token git keeps as the username by its description in that warning, never by itself", async () => {
    // Not a canary: git's answer must carry it back as the username, which the guard would flag.
    const tokenAsName = `ghp_${"u".repeat(36)}`;
    const deps = makeTestDeps();
    const inThreeDays = Math.floor(deps.clock.now() / 1000) + 3 * 86_400;
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=${tokenAsName}\npassword=x\npassword_expiry_utc=${inThreeDays}\n`,
      deps,
    );
    await helper("get", "protocol=https\nhost=github.com\n", deps);
    expect(deps.stderr()).toMatch(/the token for ghp_… \(fp [0-9a-f]{8}\)@github\.com expires in 3 days/);
    expect(deps.stderr()).not.toContain(tokenAsName);
    expect(deps.stdout()).toContain(`username=${tokenAsName}\n`);
  });

  it("keeps a token for http to a loopback test server", async () => {
    const deps = await helper(
      "store",
      `protocol=http\nhost=127.0.0.1:8080\nusername=a\npassword=${CANARY.classic}\n`,
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`http://a:${CANARY.classic}@127.0.0.1:8080\n`);
  });

  it.each([
    { name: "without a password", stdin: "protocol=https\nhost=github.com\nusername=a\n" },
    { name: "without a username", stdin: `protocol=https\nhost=github.com\npassword=${CANARY.classic}\n` },
  ])("store ignores a credential $name, like git's daemon", async ({ stdin }) => {
    const deps = await helper("store", stdin);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it("refuses to store a host with a lone CR and leaves the store untouched", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
    );
    deps.setStdin(`protocol=https\nhost=evil.com\rx\nusername=a\npassword=${CANARY.classic2}\n`);
    await expect(runHelper(["--store=file", "store"], deps)).rejects.toThrow(
      "host contains a control character",
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://a:${CANARY.classic}@github.com\n`);
  });

  it("erase with an empty pattern erases nothing", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
    );
    await helper("erase", "username=a\n", deps);
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://a:${CANARY.classic}@github.com\n`);
  });

  it("erase with a stale password keeps the newer token", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic2}\n`,
    );
    await helper("erase", `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`, deps);
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://a:${CANARY.classic2}@github.com\n`);
  });

  it("rejects a malformed request without echoing it", async () => {
    const deps = makeTestDeps();
    deps.setStdin(`protocol=https\n${CANARY.classic}\n`);
    const error = await runHelper(["--store=file", "get"], deps).catch((e: unknown) => e);
    expect(String(error)).toMatch(/invalid request from git: line 2 has no "="/);
    expect(String(error)).not.toContain(CANARY.classic);
  });

  it("uses the keychain by default", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
      makeTestDeps(),
      [],
    );
    expect([...(deps.keyringImpl.services.get("git-credential-pat")?.keys() ?? [])]).toEqual([
      "https://a@github.com",
    ]);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it.each([
    { name: "an unknown option", flags: ["--bogus"], want: "unknown option '--bogus'" },
    { name: "a bad timeout", flags: ["--timeout=soon"], want: "--timeout must be a whole number" },
    {
      name: "an unknown store",
      flags: ["--store=cloud"],
      want: '--store must be one of keychain, file, memory (got "cloud")',
    },
  ])("reports $name as a usage error", async ({ flags, want }) => {
    const deps = makeTestDeps();
    deps.setStdin("protocol=https\nhost=github.com\n");
    await expect(runHelper([...flags, "get"], deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(want),
    });
  });

  it("takes the store from config.json", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync("/home/user/.config/git-credential-pat/config.json", '{"store":"file"}', {
      mode: 0o600,
    });
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
      deps,
      [],
    );
    expect(deps.vol.existsSync(FILE)).toBe(true);
  });

  it("names a broken config.json and how to fix it", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync("/home/user/.config/git-credential-pat/config.json", "{store", { mode: 0o600 });
    deps.setStdin("protocol=https\nhost=github.com\n");
    await expect(runHelper(["get"], deps)).rejects.toMatchObject({
      message: "config file /home/user/.config/git-credential-pat/config.json is not valid JSON",
      hint: expect.stringContaining("mv "),
    });
  });
});

describe("runHelper with environment tokens", () => {
  it("serves GH_TOKEN ahead of the store and never persists it", async () => {
    const deps = makeTestDeps({ env: { GH_TOKEN: CANARY.classic2 } });
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
      deps,
    );
    await helper("get", "protocol=https\nhost=github.com\n", deps);
    expect(deps.stdout()).toBe(`username=x-access-token\npassword=${CANARY.classic2}\n`);
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=x-access-token\npassword=${CANARY.classic2}\n`,
      deps,
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://alice:${CANARY.classic}@github.com\n`);
  });
});

describe("runHelper get with accounts.json", () => {
  const CONFIG_DIR = "/home/user/.config/git-credential-pat";
  const ACCOUNTS = `${CONFIG_DIR}/accounts.json`;
  const STATE = "/home/user/.local/state/git-credential-pat/warnings.json";
  const DAY_MS = 24 * 60 * 60 * 1000;
  const HOUR_MS = 60 * 60 * 1000;
  /** Where every test's FakeClock starts. */
  const NOW = new FakeClock().now();
  const ALICE_FP = fingerprint(new Secret(CANARY.classic));
  const BOB_FP = fingerprint(new Secret(CANARY.classic2));

  function account(login: string, extra: Partial<Account> = {}): Account {
    return {
      host: "github.com",
      login,
      kind: "classic",
      fingerprint: "",
      isDefault: false,
      owners: [],
      store: "file",
      ...extra,
    };
  }

  /** alice (the default) and bob (for acme) on github.com, both tokens in the file store. */
  function seeded(alice: Partial<Account> = {}, env: TestDeps["env"] = {}) {
    const deps = makeTestDeps({ env });
    deps.vol.mkdirSync(dirname(FILE), { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(
      FILE,
      `https://alice:${CANARY.classic}@github.com\nhttps://bob:${CANARY.classic2}@github.com\n`,
      { mode: 0o600 },
    );
    writeAccounts(deps, [
      account("alice", { fingerprint: ALICE_FP, isDefault: true, ...alice }),
      account("bob", { fingerprint: BOB_FP, owners: ["acme"] }),
    ]);
    return deps;
  }

  function writeAccounts(deps: TestDeps, accounts: Account[] | string) {
    deps.vol.mkdirSync(CONFIG_DIR, { recursive: true, mode: 0o700 });
    const text = typeof accounts === "string" ? accounts : JSON.stringify({ version: 1, accounts });
    deps.vol.writeFileSync(ACCOUNTS, text, { mode: 0o600 });
  }

  async function get(deps: TestDeps, stdin: string) {
    const out = deps.stdout().length;
    const err = deps.stderr().length;
    await helper("get", stdin, deps);
    return { stdout: deps.stdout().slice(out), stderr: deps.stderr().slice(err) };
  }

  const expirySeconds = (ms: number) => Math.floor(ms / 1000);

  it.each([
    {
      name: "routes an owner tied to bob to bob's token",
      path: "path=acme/x.git\n",
      want: ["bob", CANARY.classic2],
    },
    {
      name: "routes other owners to the default account",
      path: "path=other/y.git\n",
      want: ["alice", CANARY.classic],
    },
    { name: "gives a request without a path the default account", path: "", want: ["alice", CANARY.classic] },
    {
      name: "serves the username git asks for, host-wide when only a host-wide token exists",
      path: "username=bob\npath=other/y.git\n",
      want: ["bob", CANARY.classic2],
    },
  ])("$name", async ({ path, want: [username, password] }) => {
    const deps = seeded();
    const { stdout, stderr } = await get(deps, `protocol=https\nhost=github.com\n${path}`);
    expect(stdout).toBe(`username=${username}\npassword=${password}\n`);
    expect(stderr).toBe("");
  });

  it("prefers a repository's own token, stored by git with its path, over the account's", async () => {
    const deps = seeded();
    await helper(
      "store",
      `protocol=https\nhost=github.com\npath=acme/x.git\nusername=bob\npassword=${CANARY.fineGrained}\n`,
      deps,
    );
    const { stdout } = await get(deps, "protocol=https\nhost=github.com\npath=acme/x.git\n");
    expect(stdout).toBe(`username=bob\npassword=${CANARY.fineGrained}\n`);
  });

  it.each([
    {
      name: "serves bob's host-wide token, never the one git stored for another repository of acme",
      stored: [["acme/a.git", CANARY.fineGrained]],
      want: `username=bob\npassword=${CANARY.classic2}\n`,
    },
    {
      name: "serves nothing when bob's only token is another repository's",
      stored: [["acme/a.git", CANARY.fineGrained]],
      hostWide: false,
      want: "",
    },
  ])("useHttpPath: $name", async ({ stored, hostWide = true, want }) => {
    const deps = seeded();
    if (!hostWide)
      deps.vol.writeFileSync(FILE, `https://alice:${CANARY.classic}@github.com\n`, { mode: 0o600 });
    for (const [path, token] of stored) {
      await helper(
        "store",
        `protocol=https\nhost=github.com\npath=${path}\nusername=bob\npassword=${token}\n`,
        deps,
      );
    }
    const { stdout } = await get(deps, "protocol=https\nhost=github.com\npath=acme/b.git\n");
    expect(stdout).toBe(want);
  });

  it("routes on the path the server resolves: acme/../other is other's, not acme's", async () => {
    const deps = seeded();
    const { stdout } = await get(deps, "protocol=https\nhost=github.com\npath=acme/../other/x.git\n");
    expect(stdout).toBe(`username=alice\npassword=${CANARY.classic}\n`);
  });

  it("erases the host-wide token git rejects for a repository, so git prompts next time", async () => {
    const deps = seeded();
    const request = "protocol=https\nhost=github.com\npath=acme/x.git\n";
    expect((await get(deps, request)).stdout).toBe(`username=bob\npassword=${CANARY.classic2}\n`);
    await helper("erase", `${request}username=bob\npassword=${CANARY.classic2}\n`, deps);
    expect((await get(deps, request)).stdout).toBe("");
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://alice:${CANARY.classic}@github.com\n`);
  });

  it("erases every copy of the rejected token git stored for bob's other repositories", async () => {
    const deps = seeded();
    for (const repo of ["acme/b.git", "acme/c.git"]) {
      const request = `protocol=https\nhost=github.com\npath=${repo}\n`;
      expect((await get(deps, request)).stdout).toBe(`username=bob\npassword=${CANARY.classic2}\n`);
      await helper("store", `${request}username=bob\npassword=${CANARY.classic2}\n`, deps);
    }
    await helper(
      "erase",
      `protocol=https\nhost=github.com\npath=acme/b.git\nusername=bob\npassword=${CANARY.classic2}\n`,
      deps,
    );
    expect((await get(deps, "protocol=https\nhost=github.com\npath=acme/c.git\n")).stdout).toBe("");
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://alice:${CANARY.classic}@github.com\n`);
  });

  it("without a path, serves the account's host-wide token ahead of one git stored for a repository", async () => {
    const deps = seeded();
    await helper(
      "store",
      `protocol=https\nhost=github.com\npath=acme/a.git\nusername=alice\npassword=${CANARY.fineGrained}\n`,
      deps,
    );
    const { stdout } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toBe(`username=alice\npassword=${CANARY.classic}\n`);
  });

  it("keeps the host-wide token when git rejects another token for a repository", async () => {
    const deps = seeded();
    const before = deps.vol.readFileSync(FILE, "utf8");
    await helper(
      "erase",
      `protocol=https\nhost=github.com\npath=acme/x.git\nusername=bob\npassword=${CANARY.plain}\n`,
      deps,
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(before);
  });

  it("adds the expiry GitHub reported to the reply", async () => {
    const deps = seeded({ expiresAtMs: Date.UTC(2027, 0, 31) });
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toBe(
      `username=alice\npassword=${CANARY.classic}\npassword_expiry_utc=${expirySeconds(Date.UTC(2027, 0, 31))}\n`,
    );
    expect(stderr).toBe("");
  });

  it("never serves an expired token, and says how to replace it", async () => {
    const deps = seeded({ expiresAtMs: Date.UTC(2026, 10, 1) });
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\npath=other/y.git\n");
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'git-credential-pat: the token for alice@github.com expired on 2026-11-01; run "git-credential-pat rotate --host github.com --user alice"\n',
    );
  });

  it("warns about a token expiring within 7 days once a day, and still serves it", async () => {
    const expiresAtMs = NOW + 6 * DAY_MS;
    const d = seeded({ expiresAtMs });
    const warning =
      'git-credential-pat: warning: the token for alice@github.com expires in 6 days (2026-11-28); rotate it with "git-credential-pat rotate --host github.com --user alice"\n';
    const first = await get(d, "protocol=https\nhost=github.com\n");
    expect(first.stdout).toBe(
      `username=alice\npassword=${CANARY.classic}\npassword_expiry_utc=${expirySeconds(expiresAtMs)}\n`,
    );
    expect(first.stderr).toBe(warning);
    expect((await get(d, "protocol=https\nhost=github.com\n")).stderr).toBe("");
    d.clock.advance(23 * HOUR_MS);
    expect((await get(d, "protocol=https\nhost=github.com\n")).stderr).toBe("");
    d.clock.advance(2 * HOUR_MS);
    expect((await get(d, "protocol=https\nhost=github.com\n")).stderr).toBe(
      warning.replace("expires in 6 days", "expires in 5 days"),
    );
    expect(d.vol.statSync(STATE).mode & 0o777).toBe(0o600);
  });

  it.each([
    { name: "stays quiet 8 days from expiry by default", env: {}, days: 8, warns: false },
    {
      name: "warns 8 days from expiry with a 10-day window",
      env: { GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS: "10" },
      days: 8,
      warns: true,
    },
    {
      name: "stays quiet with the warning turned off",
      env: { GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS: "0" },
      days: 1,
      warns: false,
    },
  ])("$name", async ({ env, days, warns }) => {
    const deps = seeded({ expiresAtMs: NOW + days * DAY_MS }, env);
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toContain(`password=${CANARY.classic}\n`);
    expect(stderr).toEqual(
      warns ? expect.stringContaining("warning: the token for alice@github.com expires") : "",
    );
  });

  it("still serves and warns when the warning state cannot be written", async () => {
    const deps = seeded({ expiresAtMs: NOW + DAY_MS });
    deps.vol.mkdirSync("/home/user/.local/state/git-credential-pat", { recursive: true, mode: 0o777 });
    for (let i = 0; i < 2; i++) {
      const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
      expect(stdout).toContain(`password=${CANARY.classic}\n`);
      expect(stderr).toMatch(
        /^git-credential-pat: warning: the token for alice@github.com expires in 1 day /,
      );
    }
  });

  /** carol's token, stored by git after a prompt: no account, only the facts learned about it. */
  function learned(expiresAtMs: number | undefined) {
    const deps = seeded();
    deps.vol.writeFileSync(FILE, `https://carol:${CANARY.plain}@github.com\n`, { mode: 0o600 });
    const facts = {
      host: "github.com",
      fingerprint: fingerprint(new Secret(CANARY.plain)),
      login: "carol",
      kind: "other",
      ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
      checkedAtMs: NOW,
      check: "valid",
    };
    writeAccounts(deps, JSON.stringify({ version: 1, accounts: [], tokens: [facts] }));
    return deps;
  }

  it("adds the expiry learned about a token git prompted for, and warns as for a login's", async () => {
    const expiresAtMs = NOW + 2 * DAY_MS;
    const deps = learned(expiresAtMs);
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toBe(
      `username=carol\npassword=${CANARY.plain}\npassword_expiry_utc=${expirySeconds(expiresAtMs)}\n`,
    );
    expect(stderr).toBe(
      'git-credential-pat: warning: the token for carol@github.com expires in 2 days (2026-11-24); rotate it with "git-credential-pat rotate --host github.com --user carol"\n',
    );
  });

  it("never serves a token the learned facts say has expired", async () => {
    const deps = learned(Date.UTC(2026, 10, 1));
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toBe("");
    expect(stderr).toMatch(/the token for carol@github.com expired on 2026-11-01/);
  });

  it("serves a learned token that never expires as it is", async () => {
    const deps = learned(undefined);
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toBe(`username=carol\npassword=${CANARY.plain}\n`);
    expect(stderr).toBe("");
  });

  it("ignores metadata about another token (fingerprint mismatch)", async () => {
    const deps = seeded({ fingerprint: "deadbeef", expiresAtMs: Date.UTC(2026, 10, 1) });
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(stdout).toBe(`username=alice\npassword=${CANARY.classic}\n`);
    expect(stderr).toBe("");
  });

  it("ignores the expiry git sends in the request", async () => {
    const deps = seeded({ expiresAtMs: Date.UTC(2027, 0, 31) });
    const { stdout } = await get(deps, "protocol=https\nhost=github.com\npassword_expiry_utc=1\n");
    expect(stdout).toContain(`password_expiry_utc=${expirySeconds(Date.UTC(2027, 0, 31))}\n`);
  });

  it("serves an environment token with no metadata applied and without reading accounts.json", async () => {
    const deps = seeded({ expiresAtMs: Date.UTC(2026, 10, 1) }, { GH_TOKEN: CANARY.fineGrained });
    writeAccounts(deps, "{broken");
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\npath=acme/x.git\n");
    expect(stdout).toBe(`username=x-access-token\npassword=${CANARY.fineGrained}\n`);
    expect(stderr).toBe("");
  });

  it("warns about a broken accounts.json and answers as git's own helpers would", async () => {
    const deps = seeded();
    writeAccounts(deps, "{broken");
    const { stdout, stderr } = await get(deps, "protocol=https\nhost=github.com\npath=acme/x.git\n");
    expect(stdout).toBe("");
    const { stdout: hostWide } = await get(deps, "protocol=https\nhost=github.com\n");
    expect(hostWide).toBe(`username=alice\npassword=${CANARY.classic}\n`);
    expect(stderr).toBe(
      `git-credential-pat: warning: accounts file ${ACCOUNTS} is not valid JSON; account metadata ignored\nhint: fix it, or move it aside and log in again: mv "${ACCOUNTS}" "${ACCOUNTS}.bak"\n`,
    );
  });

  it.each(["store", "erase"])(
    "never shows a broken accounts.json on %s (a store reads it only to decide on learning)",
    async (action) => {
      const deps = seeded();
      writeAccounts(deps, "{broken");
      await helper(
        action,
        `protocol=https\nhost=github.com\nusername=carol\npassword=${CANARY.plain}\n`,
        deps,
      );
      expect(deps.stderr()).toBe("");
    },
  );
});

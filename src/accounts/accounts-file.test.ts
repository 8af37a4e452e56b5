import { describe, expect, it } from "vitest";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { Account } from "./account.js";
import { upsertAccount } from "./accounts.js";
import {
  accountsFilePath,
  loadAccounts,
  loadAccountsData,
  updateAccounts,
  updateAccountsData,
} from "./accounts-file.js";

const DIR = "/home/user/.config/git-credential-pat";
const FILE = `${DIR}/accounts.json`;

const alice: Account = {
  host: "github.com",
  login: "alice",
  kind: "classic",
  fingerprint: "3f9a1c2b",
  scopes: ["repo", "workflow"],
  expiresAtMs: Date.UTC(2026, 11, 20),
  lastCheckedAtMs: Date.UTC(2026, 10, 22),
  lastCheck: "valid",
  isDefault: true,
  owners: ["acme"],
  store: "keychain",
};

const carol: Account = {
  host: "ghe.acme.com:8443",
  login: "carol",
  apiUrl: "https://ghe.acme.com:8443/api/v3",
  kind: "fine-grained",
  fingerprint: "00ff00ff",
  isDefault: true,
  owners: [],
  store: "file",
  rotatedAtMs: 1,
};

function seed(deps: TestDeps, content: string, mode = 0o600): void {
  deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
  deps.vol.writeFileSync(FILE, content, { mode });
}

const modeOf = (deps: TestDeps, path: string) => deps.vol.statSync(path).mode & 0o777;

describe("accounts.json", () => {
  it("is in the config directory, which GIT_CREDENTIAL_PAT_CONFIG_DIR moves", () => {
    const deps = makeTestDeps();
    expect(accountsFilePath(deps)).toBe(FILE);
    expect(accountsFilePath({ ...deps, env: { GIT_CREDENTIAL_PAT_CONFIG_DIR: "/etc/pat" } })).toBe(
      "/etc/pat/accounts.json",
    );
  });

  it("has no accounts while it does not exist, and reading it creates nothing", async () => {
    const deps = makeTestDeps();
    expect(await loadAccounts(deps)).toEqual([]);
    expect(deps.vol.existsSync(DIR)).toBe(false);
  });

  it("gives back what was written, every field intact", async () => {
    const deps = makeTestDeps();
    const written = await updateAccounts(
      (accounts) => upsertAccount(upsertAccount(accounts, alice), carol),
      deps,
    );
    expect(written).toEqual([alice, carol]);
    expect(await loadAccounts(deps)).toEqual([alice, carol]);
    expect(JSON.parse(String(deps.vol.readFileSync(FILE, "utf8")))).toEqual({
      version: 1,
      accounts: [alice, carol],
    });
  });

  it("creates the directory 0700 and the file 0600", async () => {
    const deps = makeTestDeps();
    await updateAccounts((accounts) => upsertAccount(accounts, alice), deps);
    expect(modeOf(deps, DIR)).toBe(0o700);
    expect(modeOf(deps, FILE)).toBe(0o600);
    expect(deps.vol.existsSync(`${FILE}.lock`)).toBe(false);
  });

  it("does not create a file for a change that leaves no accounts", async () => {
    const deps = makeTestDeps();
    await updateAccounts((accounts) => accounts, deps);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it("does not rewrite a file the change leaves as it was", async () => {
    const deps = makeTestDeps();
    await updateAccounts((accounts) => upsertAccount(accounts, alice), deps);
    const before = deps.vol.statSync(FILE).ino;
    await updateAccounts((accounts) => accounts, deps);
    expect(deps.vol.statSync(FILE).ino).toBe(before);
  });

  it("keeps fields a newer version wrote, unless the account's token changed", async () => {
    const deps = makeTestDeps();
    seed(
      deps,
      JSON.stringify({
        version: 1,
        accounts: [
          { ...alice, lastUsedAtMs: 7 },
          { ...carol, lastUsedAtMs: 8 },
        ],
        note: "from the future",
      }),
    );
    expect(await loadAccounts(deps)).toEqual([alice, carol]);
    await updateAccounts((accounts) => upsertAccount(accounts, { ...carol, fingerprint: "11112222" }), deps);
    const data = JSON.parse(String(deps.vol.readFileSync(FILE, "utf8")));
    expect(data.note).toBe("from the future");
    expect(data.accounts[0].lastUsedAtMs).toBe(7);
    expect(data.accounts[1]).not.toHaveProperty("lastUsedAtMs");
  });

  it("reads an optional field written as null as absent", async () => {
    const deps = makeTestDeps();
    seed(deps, JSON.stringify({ version: 1, accounts: [{ ...carol, expiresAtMs: null, scopes: null }] }));
    expect(await loadAccounts(deps)).toEqual([carol]);
  });

  const broken = (patch: Record<string, unknown>) =>
    JSON.stringify({ version: 1, accounts: [{ ...alice, ...patch }] });
  it.each([
    { name: "text that is not JSON", content: "{accounts", want: `accounts file ${FILE} is not valid JSON` },
    { name: "an empty file", content: "", want: "is not valid JSON" },
    { name: "a JSON array", content: "[]", want: "must hold a JSON object" },
    { name: "no version", content: '{"accounts":[]}', want: 'must have "version": 1' },
    {
      name: "no accounts array",
      content: '{"version":1,"accounts":{}}',
      want: 'must have an "accounts" array',
    },
    {
      name: "an account that is not an object",
      content: '{"version":1,"accounts":[7]}',
      want: "accounts[0] must be an object",
    },
    { name: "a missing host", content: broken({ host: undefined }), want: "accounts[0].host must be" },
    { name: "a login with a newline", content: broken({ login: "a\nb" }), want: "accounts[0].login must be" },
    {
      name: "an unknown token kind",
      content: broken({ kind: "magic" }),
      want: "accounts[0].kind must be one of",
    },
    {
      name: "a fingerprint that is not hex",
      content: broken({ fingerprint: "ghp_x" }),
      want: ".fingerprint must be",
    },
    {
      name: "scopes that are not strings",
      content: broken({ scopes: [1] }),
      want: ".scopes must be an array of strings",
    },
    {
      name: "owners that are missing",
      content: broken({ owners: undefined }),
      want: ".owners must be an array",
    },
    {
      name: "an expiry that is a string",
      content: broken({ expiresAtMs: "2026-12-20" }),
      want: ".expiresAtMs must be a time",
    },
    {
      name: "isDefault that is a string",
      content: broken({ isDefault: "yes" }),
      want: ".isDefault must be true or false",
    },
    { name: "an unknown store", content: broken({ store: "cloud" }), want: ".store must be one of" },
    {
      name: "an unknown check outcome",
      content: broken({ lastCheck: "fine" }),
      want: ".lastCheck must be one of",
    },
    {
      name: "an API URL that is not a URL",
      content: broken({ apiUrl: "ghe" }),
      want: ".apiUrl must be an http(s) URL",
    },
  ])("refuses $name, naming the file and how to move it aside", async ({ content, want }) => {
    const deps = makeTestDeps();
    seed(deps, content);
    await expect(loadAccounts(deps)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining(want),
      hint: `fix it, or move it aside and log in again: mv "${FILE}" "${FILE}.bak"`,
    });
  });

  it("refuses to write an account it could not read back, leaving the file as it was", async () => {
    const deps = makeTestDeps();
    await updateAccounts((accounts) => upsertAccount(accounts, alice), deps);
    const before = deps.vol.readFileSync(FILE, "utf8");
    await expect(
      updateAccounts((accounts) => upsertAccount(accounts, { ...carol, login: "car ol" }), deps),
    ).rejects.toThrow(
      `refusing to write ${FILE}: accounts[1].login must be a non-empty string without spaces`,
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(before);
  });

  it("keeps facts about stored tokens beside the accounts, every field intact", async () => {
    const deps = makeTestDeps();
    const facts = {
      host: "github.com",
      fingerprint: "abcdef01",
      login: "octocat",
      kind: "classic" as const,
      scopes: ["repo"],
      expiresAtMs: Date.UTC(2027, 0, 1),
      checkedAtMs: Date.UTC(2026, 10, 22),
      check: "valid" as const,
      apiUrl: "https://github.com/api/v3",
    };
    await updateAccountsData((data) => ({ ...data, tokens: [facts] }), deps);
    expect(await loadAccountsData(deps)).toEqual({ accounts: [], tokens: [facts] });
    // An accounts-only change leaves them as they are.
    await updateAccounts((accounts) => upsertAccount(accounts, alice), deps);
    expect((await loadAccountsData(deps)).tokens).toEqual([facts]);
  });

  it('writes no "tokens" key while there are none, as files were before', async () => {
    const deps = makeTestDeps();
    await updateAccounts((accounts) => upsertAccount(accounts, alice), deps);
    expect(JSON.parse(String(deps.vol.readFileSync(FILE)))).not.toHaveProperty("tokens");
  });

  it.each([
    {
      name: "a tokens entry without a login",
      tokens: [{ host: "github.com", fingerprint: "ab", kind: "classic", checkedAtMs: 1, check: "valid" }],
      want: "tokens[0].login must be a non-empty string without spaces",
    },
    { name: "tokens that are not a list", tokens: {}, want: "must be an array" },
  ])("refuses $name", async ({ tokens, want }) => {
    const deps = makeTestDeps();
    seed(deps, JSON.stringify({ version: 1, accounts: [], tokens }));
    await expect(loadAccountsData(deps)).rejects.toThrow(want);
  });

  it("refuses a file from a newer version and says to upgrade", async () => {
    const deps = makeTestDeps();
    seed(deps, '{"version":2,"accounts":[]}');
    await expect(loadAccounts(deps)).rejects.toMatchObject({
      message: expect.stringContaining("has version 2, written by a newer git-credential-pat"),
      hint: "upgrade git-credential-pat",
    });
  });

  it("refuses to update a broken file and leaves it byte for byte as it was", async () => {
    const deps = makeTestDeps();
    const content = '{"version":1,"accounts":[{"host":"github.com"}]} \n';
    seed(deps, content);
    await expect(updateAccounts((accounts) => upsertAccount(accounts, alice), deps)).rejects.toThrow(
      "accounts[0].login must be",
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(content);
    expect(deps.vol.existsSync(`${FILE}.lock`)).toBe(false);
  });

  it("refuses a file other users can read, with the chmod that fixes it", async () => {
    const deps = makeTestDeps();
    seed(deps, JSON.stringify({ version: 1, accounts: [] }), 0o644);
    await expect(loadAccounts(deps)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining(`run "chmod 600 ${FILE}"`),
    });
  });

  it("serialises concurrent updates with the lock, losing none", async () => {
    const deps = makeTestDeps();
    let waits = 0;
    const open = deps.fs.open.bind(deps.fs);
    deps.fs.open = (path, flags, mode) =>
      open(path, flags, mode).catch((error: unknown) => {
        waits += 1;
        throw error;
      });
    const logins = Array.from({ length: 8 }, (_, i) => `user${i}`);
    await Promise.all(
      logins.map((login) => updateAccounts((accounts) => upsertAccount(accounts, { ...alice, login }), deps)),
    );
    const accounts = await loadAccounts(deps);
    expect(accounts.map((a) => a.login).sort()).toEqual(logins);
    expect(accounts.filter((a) => a.isDefault)).toHaveLength(1);
    // The writers really did overlap: some found the lock taken and waited for it.
    expect(waits).toBeGreaterThan(0);
  });

  it("gives up on a lock another process holds, leaving the file alone", async () => {
    const deps = makeTestDeps({ env: { GIT_CREDENTIAL_PAT_LOCK_TIMEOUT_MS: "100" } });
    await updateAccounts((accounts) => upsertAccount(accounts, alice), deps);
    const before = deps.vol.readFileSync(FILE, "utf8");
    deps.vol.writeFileSync(`${FILE}.lock`, "", { mode: 0o600 });
    await expect(updateAccounts((accounts) => upsertAccount(accounts, carol), deps)).rejects.toMatchObject({
      message: `${FILE}.lock is held by another process (waited 100 ms)`,
    });
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(before);
  });
});

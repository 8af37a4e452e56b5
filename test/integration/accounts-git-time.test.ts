// accounts.json at git time, through the built artifacts and the real `git credential fill`:
// owner routing with credential.useHttpPath, an expired token refused, the expiry GitHub reported
// handed to git, and the once-a-day warning kept in a private state file on a real file system.
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Account } from "../../src/accounts/account.js";
import { fingerprint, Secret } from "../../src/secret.js";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type GitResult, type Sandbox } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 15_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const HOST = "github.com";

type Fields = Record<string, string>;

const wire = (fields: Fields) =>
  Object.entries(fields)
    .map(([key, value]) => `${key}=${value}\n`)
    .join("");

function parseWire(text: string): Fields {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function account(login: string, token: string, extra: Partial<Account> = {}): Account {
  return {
    host: HOST,
    login,
    kind: "classic",
    fingerprint: fingerprint(new Secret(token)),
    isDefault: false,
    owners: [],
    store: "file",
    ...extra,
  };
}

describe.each(artifacts())("accounts.json at git time → $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  const configDir = () => join(sandbox.home, ".config/git-credential-pat");
  const stateDir = () => join(sandbox.home, ".local/state/git-credential-pat");
  const storeDir = () => join(sandbox.home, ".local/share/git-credential-pat");
  const helperConfig = () => [
    "-c",
    "credential.helper=",
    "-c",
    `credential.helper=${artifact.helperCommand} --store=file --timeout=0`,
    "-c",
    "credential.useHttpPath=true",
  ];

  async function git(action: string, fields: Fields): Promise<GitResult> {
    const result = await sandbox.git([...helperConfig(), "credential", action], {
      input: wire(fields),
      timeoutMs: GIT_TIMEOUT_MS,
    });
    recordOutput(`git credential ${action} stderr`, result.stderr);
    return result;
  }

  /** alice (the default) and bob (for acme) on github.com, stored host-wide as `login` stores them. */
  async function seed(alice: Partial<Account> = {}): Promise<void> {
    for (const [username, password] of [
      ["alice", CANARY.classic],
      ["bob", CANARY.classic2],
    ] as const) {
      // Without useHttpPath, as `login` keeps a token for the whole host.
      const result = await sandbox.git(
        [
          "-c",
          "credential.helper=",
          "-c",
          `credential.helper=${artifact.helperCommand} --store=file --timeout=0`,
          "credential",
          "approve",
        ],
        { input: wire({ protocol: "https", host: HOST, username, password }), timeoutMs: GIT_TIMEOUT_MS },
      );
      expect(result.code, result.stderr).toBe(0);
    }
    const accounts = [
      account("alice", CANARY.classic, { isDefault: true, ...alice }),
      account("bob", CANARY.classic2, { owners: ["acme"] }),
    ];
    await mkdir(configDir(), { recursive: true, mode: 0o700 });
    await writeFile(join(configDir(), "accounts.json"), JSON.stringify({ version: 1, accounts }), {
      mode: 0o600,
    });
  }

  beforeAll(async () => {
    sandbox = await createSandbox();
  });

  afterEach(async () => {
    for (const dir of [configDir(), stateDir(), storeDir()]) await rm(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it("routes each repository to the account its owner is tied to, without prompting", async () => {
    await seed();
    const prompts = sandbox.askpassLog().length;
    const acme = await git("fill", { url: `https://${HOST}/acme/app.git` });
    const other = await git("fill", { url: `https://${HOST}/someone/lib.git` });
    expect([acme.code, acme.stderr, other.code, other.stderr]).toEqual([0, "", 0, ""]);
    expect(parseWire(acme.stdout)).toMatchObject({
      path: "acme/app.git",
      username: "bob",
      password: CANARY.classic2,
    });
    expect(parseWire(other.stdout)).toMatchObject({
      path: "someone/lib.git",
      username: "alice",
      password: CANARY.classic,
    });
    expect(sandbox.askpassLog().slice(prompts)).toEqual([]);
  });

  it("refuses an expired token with one line on how to rotate it, and git goes on to prompt", async () => {
    const expiresAtMs = Date.now() - 2 * DAY_MS;
    await seed({ expiresAtMs });
    const prompts = sandbox.askpassLog().length;
    const result = await git("fill", { url: `https://${HOST}/someone/lib.git` });
    expect(result.stdout).not.toContain("password=");
    expect(result.code).not.toBe(0);
    expect(result.stderr.split("\n")[0]).toBe(
      `git-credential-pat: the token for alice@${HOST} expired on ${isoDate(expiresAtMs)}; run "git-credential-pat rotate --host ${HOST} --user alice"`,
    );
    expect(sandbox.askpassLog().length).toBeGreaterThan(prompts);
    // The other account's token is not affected.
    const acme = await git("fill", { url: `https://${HOST}/acme/app.git` });
    expect(parseWire(acme.stdout)).toMatchObject({ username: "bob", password: CANARY.classic2 });
  });

  it("tells git the expiry GitHub reported (password_expiry_utc in get's reply)", async () => {
    const expiresAtMs = Date.now() + 30 * DAY_MS;
    await seed({ expiresAtMs });
    const result = await runArtifact(artifact, ["--store=file", "--timeout=0", "get"], {
      input: wire({ protocol: "https", host: HOST, path: "someone/lib.git" }),
      env: sandbox.env,
    });
    recordOutput("helper get stderr", result.stderr);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.toString("utf8")).toBe(
      `username=alice\npassword=${CANARY.classic}\npassword_expiry_utc=${Math.floor(expiresAtMs / 1000)}\n`,
    );
  });

  it("warns about a token about to expire once, remembering it in a private state file", async () => {
    const expiresAtMs = Date.now() + 3 * DAY_MS - 60_000;
    await seed({ expiresAtMs });
    const first = await git("fill", { url: `https://${HOST}/someone/lib.git` });
    expect(parseWire(first.stdout)).toMatchObject({ username: "alice", password: CANARY.classic });
    expect(first.stderr).toBe(
      `git-credential-pat: warning: the token for alice@${HOST} expires in 3 days (${isoDate(expiresAtMs)}); rotate it with "git-credential-pat rotate --host ${HOST} --user alice"\n`,
    );
    const second = await git("fill", { url: `https://${HOST}/someone/lib.git` });
    expect(second.stderr).toBe("");
    expect(parseWire(second.stdout)).toMatchObject({ password: CANARY.classic });
    expect((await stat(stateDir())).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir(), "warnings.json"))).mode & 0o777).toBe(0o600);
  });
});

// The token's life with the real git, a loopback HTTPS git server and a fake GitHub API:
// login → clone with no prompt → list → rotate → fetch → logout → prompt again; owner routing
// between two accounts; an expired token is not served, an expiring one warns once.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const DAY_MS = 86_400_000;

/** GitHub's header format: "2026-12-20 10:00:00 UTC". */
function expirationHeader(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

describe.each(artifacts())("token lifecycle with the $name artifact", (artifact: Artifact) => {
  let server: GitHttpsServer;
  let api: FakeGithubApi;
  let serverRoot: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    serverRoot = await mkdtemp(join(tmpdir(), "gcp-lifecycle-"));
    server = await startGitHttpsServer({ root: serverRoot });
    for (const repo of ["acme/app.git", "widgets/tool.git", "alice/notes.git"]) await server.createRepo(repo);
    api = await startFakeGithubApi();
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
    await rm(serverRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    sandbox = await createSandbox();
    await sandbox.trustCa(server.caFile);
    // What `setup` will do for people: only this helper, file store so no keyring is needed here.
    await sandbox.git(["config", "--global", "credential.helper", `${artifact.helperCommand} --store=file`]);
    server.users.clear();
    api.tokens.clear();
  });
  afterEach(async () => {
    await runArtifact(artifact, ["exit"], { env: sandbox.env });
    await sandbox.cleanup();
  });

  const cli = async (args: string[], input?: string) => {
    const result = await runArtifact(artifact, args, {
      env: sandbox.env,
      ...(input === undefined ? {} : { input }),
    });
    // get's stdout is where the token belongs; everything else must never show it.
    if (!args.includes("get")) recordOutput(`${args[0]} stdout`, result.stdout.toString());
    recordOutput(`${args[0]} stderr`, result.stderr);
    return result;
  };
  const login = (token: string, extra: string[] = []) =>
    cli(
      ["login", "--with-token", "--host", server.host, "--api-url", api.url, "--store", "file", ...extra],
      `${token}\n`,
    );
  const git = async (args: string[], cwd?: string) => {
    const result = await sandbox.git(args, { timeoutMs: 20_000, ...(cwd ? { cwd } : {}) });
    recordOutput(`git ${args[0]} stderr`, result.stderr);
    return result;
  };
  const usersSince = (start: number) => [
    ...new Set(server.log.slice(start).flatMap((e) => (e.status === 200 && e.user ? [e.user] : []))),
  ];

  it("login → clone → list → rotate → fetch → logout → prompt", async () => {
    const expires = Date.now() + 60 * DAY_MS;
    api.tokens.set(CANARY.classic, {
      login: "alice",
      scopes: ["repo", "workflow"],
      expiresAt: expirationHeader(expires),
    });
    server.setToken("alice", CANARY.classic);

    const loggedIn = await login(CANARY.classic);
    expect(loggedIn.stderr).toBe("");
    expect(loggedIn.code).toBe(0);
    expect(loggedIn.stdout.toString()).toContain(`Logged in to ${server.host} as alice`);

    const dir = join(sandbox.root, "app");
    const clone = await git(["clone", `${server.url}/acme/app.git`, dir]);
    expect(clone.code).toBe(0);
    expect(sandbox.askpassLog()).toEqual([]);

    const list = await cli(["list", "--json"]);
    const [row] = JSON.parse(list.stdout.toString());
    expect(row).toMatchObject({
      host: server.host,
      login: "alice",
      kind: "classic",
      scopes: ["repo", "workflow"],
      source: "file",
      isDefault: true,
    });
    expect(Date.parse(row.expiresAt)).toBe(Math.floor(expires / 1000) * 1000);

    // The server now wants a new token; rotate to it.
    api.tokens.set(CANARY.classic2, { login: "alice", scopes: ["repo", "workflow"] });
    server.setToken("alice", CANARY.classic2);
    const rotated = await cli(["rotate", "--with-token", "--host", server.host], `${CANARY.classic2}\n`);
    expect(rotated.stderr).toBe("");
    expect(rotated.code).toBe(0);
    const start = server.log.length;
    const fetch = await git(["fetch", "origin"], dir);
    expect(fetch.code).toBe(0);
    expect(usersSince(start)).toEqual(["alice"]);

    const logout = await cli(["logout", "--host", server.host]);
    expect(logout.code).toBe(0);
    const again = await git(["clone", `${server.url}/acme/app.git`, join(sandbox.root, "again")]);
    expect(again.code).not.toBe(0);
    expect(sandbox.askpassLog()).toEqual([`Username for '${server.url}': `]);
  });

  it("routes repository owners to their accounts with credential.useHttpPath", async () => {
    api.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
    api.tokens.set(CANARY.fineGrained, { login: "acme-bot" });
    server.setToken("alice", CANARY.classic);
    server.setToken("acme-bot", CANARY.fineGrained);
    expect((await login(CANARY.classic)).code).toBe(0);
    expect((await login(CANARY.fineGrained, ["--owner", "acme"])).code).toBe(0);
    await git(["config", "--global", `credential.https://${server.host}.useHttpPath`, "true"]);

    let start = server.log.length;
    expect((await git(["clone", `${server.url}/acme/app.git`, join(sandbox.root, "a")])).code).toBe(0);
    expect(usersSince(start)).toEqual(["acme-bot"]);
    start = server.log.length;
    expect((await git(["clone", `${server.url}/widgets/tool.git`, join(sandbox.root, "b")])).code).toBe(0);
    expect(usersSince(start)).toEqual(["alice"]);
    expect(sandbox.askpassLog()).toEqual([]);
  });

  it("never serves an expired token and warns once about one about to expire", async () => {
    api.tokens.set(CANARY.classic, {
      login: "alice",
      scopes: ["repo"],
      expiresAt: expirationHeader(Date.now() + 3 * DAY_MS),
    });
    server.setToken("alice", CANARY.classic);
    expect((await login(CANARY.classic)).code).toBe(0);
    const request = `protocol=https\nhost=${server.host}\n\n`;

    const first = await cli(["--store=file", "--timeout=0", "get"], request);
    expect(first.stdout.toString()).toMatch(
      new RegExp(`password=${CANARY.classic}\npassword_expiry_utc=\\d+\n`),
    );
    expect(first.stderr).toMatch(/warning: the token for alice@.* expires in [23] days/);
    const second = await cli(["--store=file", "--timeout=0", "get"], request);
    expect(second.stderr).toBe("");

    // Make the recorded expiry lie in the past, as if time had passed.
    const accountsFile = join(sandbox.env.XDG_CONFIG_HOME as string, "git-credential-pat", "accounts.json");
    const accounts = JSON.parse((await import("node:fs")).readFileSync(accountsFile, "utf8"));
    accounts.accounts[0].expiresAtMs = Date.now() - DAY_MS;
    await writeFile(accountsFile, JSON.stringify(accounts), { mode: 0o600 });
    const expired = await cli(["--store=file", "--timeout=0", "get"], request);
    expect(expired.stdout.toString()).toBe("");
    expect(expired.stderr).toMatch(
      /the token for alice@.* expired on \d{4}-\d\d-\d\d; run "git-credential-pat rotate --host .* --user alice"/,
    );
  });
});

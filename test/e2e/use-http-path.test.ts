// credential.useHttpPath with the real git, a loopback HTTPS git server and a fake GitHub API:
// a repository's request is never answered with a token stored for another repository's path
// (even when owner routing looks host-wide), the token git rejects is the one erased (so git
// prompts again instead of failing forever), and owner routing reads the path the server resolves.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import {
  type Artifact,
  artifacts,
  describeStore,
  runArtifact,
  STORES,
  type StoreKind,
  storeEnv,
} from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const BOB_HOST_WIDE = CANARY.classic2;
const BOB_REPO_A = CANARY.fineGrained;
const ALICE = CANARY.classic;

for (const artifact of artifacts()) {
  for (const store of STORES) {
    describeStore(store)(`useHttpPath with the ${artifact.name} artifact and the ${store} store`, () => {
      defineTests(artifact, store);
    });
  }
}

function defineTests(artifact: Artifact, store: StoreKind): void {
  let server: GitHttpsServer;
  let api: FakeGithubApi;
  let serverRoot: string;
  let sandbox: Sandbox;
  let repo = 0;

  beforeAll(async () => {
    serverRoot = await mkdtemp(join(tmpdir(), "gcp-usehttppath-"));
    server = await startGitHttpsServer({ root: serverRoot });
    api = await startFakeGithubApi();
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
    await rm(serverRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    sandbox = await createSandbox({ extraEnv: storeEnv(store) });
    await sandbox.trustCa(server.caFile);
    // The cache is on (git's default helper timeout): it must follow the same rules as the store.
    await sandbox.git([
      "config",
      "--global",
      "credential.helper",
      `${artifact.helperCommand} --store=${store}`,
    ]);
    await sandbox.git(["config", "--global", `credential.https://${server.host}.useHttpPath`, "true"]);
    server.users.clear();
    api.tokens.clear();
  });
  afterEach(async () => {
    // Keychain items outlive the sandbox: take every test token back out.
    await runArtifact(artifact, [`--store=${store}`, "erase"], {
      env: sandbox.env,
      input: `protocol=https\nhost=${server.host}\n`,
    });
    await runArtifact(artifact, ["exit"], { env: sandbox.env });
    await sandbox.cleanup();
  });

  /** Fresh repositories per test: the server's repository-scoped tokens outlive a test. */
  const repos = async (...names: string[]) => {
    repo++;
    const created = names.map((name) => `${name}-${repo}.git`);
    for (const name of created) await server.createRepo(name);
    return created;
  };
  const cli = async (args: string[], input?: string) => {
    const result = await runArtifact(artifact, args, {
      env: sandbox.env,
      ...(input === undefined ? {} : { input }),
    });
    recordOutput(`${args[0]} stdout`, result.stdout.toString());
    recordOutput(`${args[0]} stderr`, result.stderr);
    return result;
  };
  const login = async (login: string, token: string, extra: string[] = []) => {
    api.tokens.set(token, { login, scopes: ["repo"] });
    server.setToken(login, token);
    const args = ["login", "--with-token", "--host", server.host, "--api-url", api.url, "--store", store];
    const result = await cli([...args, ...extra], `${token}\n`);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  };
  const git = async (args: string[], input?: string) => {
    const result = await sandbox.git(args, { timeoutMs: 20_000, ...(input === undefined ? {} : { input }) });
    recordOutput(`git ${args[0]} stderr`, result.stderr);
    return result;
  };
  const refusals = (repoName: string) =>
    server.log.filter((entry) => entry.path.startsWith(`/${repoName}/`) && entry.status === 401).length;

  it("never hands repository B the token git stored for repository A, even through owner routing", async () => {
    const [a, b] = await repos("acme/a", "acme/b");
    await login("bob", BOB_HOST_WIDE, ["--owner", "acme"]);
    // git kept a token it got at its prompt for repository A only (a token scoped to A).
    server.setRepoToken(a as string, "bob", BOB_REPO_A);
    const approve = await git(
      ["credential", "approve"],
      `protocol=https\nhost=${server.host}\npath=${a}\nusername=bob\npassword=${BOB_REPO_A}\n\n`,
    );
    expect(approve.code).toBe(0);

    const clone = await git(["clone", `${server.url}/${b}`, join(sandbox.root, "b")]);
    expect(clone.stderr).not.toMatch(/Authentication failed/);
    expect(clone.code).toBe(0);
    // One 401: git's anonymous first request. A second would be A's token refused at B.
    expect(refusals(b as string)).toBe(1);
    expect(sandbox.askpassLog()).toEqual([]);

    const fill = await git(["credential", "fill"], `url=${server.url}/${a}\n\n`);
    expect(fill.stdout).toContain(`password=${BOB_REPO_A}\n`);
  });

  it("erases the token git rejected for a repository, and git's copies of it for the others, so every repository prompts and works", async () => {
    const [a, b, c] = await repos("acme/a", "acme/b", "acme/c");
    await login("bob", BOB_HOST_WIDE, ["--owner", "acme"]);
    // git keeps the host-wide token it used under each repository's path (store after success).
    for (const repo of [b, c])
      expect((await git(["clone", `${server.url}/${repo}`, join(sandbox.root, `${repo}-1`)])).code).toBe(0);
    server.setToken("bob", CANARY.plain); // the host-wide token was revoked on the server

    const failed = await git(["clone", `${server.url}/${a}`, join(sandbox.root, "a1")]);
    expect(failed.code).not.toBe(0);
    await sandbox.useAnsweringAskpass("bob", CANARY.plain);
    for (const repo of [a, c]) {
      const retried = await git(["clone", `${server.url}/${repo}`, join(sandbox.root, `${repo}-2`)]);
      expect(retried.stderr).not.toMatch(/Authentication failed/);
      expect(retried.code).toBe(0);
      expect(sandbox.askpassLog()).toContain(`Password for 'https://bob@${server.host}/${repo}': `);
    }
  });

  it("routes a path that leaves the owner (acme/%2e%2e/…) to the default account, not acme's", async () => {
    await login("alice", ALICE);
    await login("bob", BOB_HOST_WIDE, ["--owner", "acme"]);
    for (const path of ["acme/%2e%2e/widgets/tool.git", "acme/x/../../widgets/tool.git"]) {
      const fill = await git(["credential", "fill"], `url=${server.url}/${path}\n\n`);
      expect(fill.code).toBe(0);
      expect(fill.stdout).toContain(`username=alice\npassword=${ALICE}\n`);
    }
    const owned = await git(["credential", "fill"], `url=${server.url}/acme/tool.git\n\n`);
    expect(owned.stdout).toContain(`username=bob\npassword=${BOB_HOST_WIDE}\n`);
  });
}

// The life of a token git stored from its own prompt, with the real git, a loopback HTTPS git
// server and a fake GitHub API, for both artifacts and both persistent stores: it shows in `list`
// (unverified), `verify` checks it against the API and records what it learns, `rotate` swaps it
// for a new token every later fetch uses, `logout` removes it and git prompts again. No login
// ever named carol: the store is the one truth. (bob logged in with --api-url, a GHES user's other
// account: that is how the helper knows the host's API.) Learning is off: verify does it here.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import {
  type Artifact,
  artifacts,
  clearKeychainHosts,
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

const GIT_TIMEOUT_MS = 15_000;
const DAY_MS = 86_400_000;
const BOB_TOKEN = CANARY.classic;
const CAROL_TOKEN = CANARY.classic2;
const CAROL_NEW = CANARY.fineGrained;

/** GitHub's header format: "2026-12-20 10:00:00 UTC". */
function expirationHeader(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

interface Row {
  username: string | null;
  login: string | null;
  isVerified: boolean;
  scopes: string[] | null;
  expiresAt: string | null;
  warnings: string[];
}

for (const artifact of artifacts()) {
  for (const store of STORES) defineSuite(artifact, store);
}

function defineSuite(artifact: Artifact, store: StoreKind): void {
  describeStore(store)(`a token git prompted for: ${artifact.name} artifact, ${store} store`, () => {
    let server: GitHttpsServer;
    let api: FakeGithubApi;
    let serverRoot: string;
    let sandbox: Sandbox;
    const expiresAtMs = Math.floor((Date.now() + 30 * DAY_MS) / 1000) * 1000;

    beforeAll(async () => {
      serverRoot = await mkdtemp(join(tmpdir(), "gcp-prompt-life-"));
      server = await startGitHttpsServer({ root: serverRoot });
      await server.createRepo("acme/app.git");
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
      await sandbox.git([
        "config",
        "--global",
        "credential.helper",
        `${artifact.helperCommand} --store=${store}`,
      ]);
      server.users.clear();
      api.tokens.clear();
      api.tokens.set(BOB_TOKEN, { login: "bob", scopes: ["repo"], expiresAt: expirationHeader(expiresAtMs) });
      api.tokens.set(CAROL_TOKEN, {
        login: "carol",
        scopes: ["repo", "delete_repo"],
        expiresAt: expirationHeader(expiresAtMs),
      });
      api.tokens.set(CAROL_NEW, { login: "carol", expiresAt: expirationHeader(expiresAtMs) });
      server.setToken("carol", CAROL_TOKEN);
      const login = await cli(
        ["login", "--with-token", "--host", server.host, "--api-url", api.url, "--store", store],
        `${BOB_TOKEN}\n`,
      );
      expect(login.code, login.stderr).toBe(0);
    });
    afterEach(async () => {
      await runArtifact(artifact, ["exit"], { env: sandbox.env });
      if (store === "keychain") await clearKeychainHosts([server.host], sandbox.env);
      await sandbox.cleanup();
    });

    async function cli(args: string[], input?: string) {
      const result = await runArtifact(artifact, args, {
        env: sandbox.env,
        ...(input === undefined ? {} : { input }),
      });
      recordOutput(`${args[0]} stdout`, result.stdout.toString());
      recordOutput(`${args[0]} stderr`, result.stderr);
      return result;
    }
    async function git(args: string[], cwd?: string) {
      const result = await sandbox.git(args, { timeoutMs: GIT_TIMEOUT_MS, ...(cwd ? { cwd } : {}) });
      recordOutput(`git ${args[0]} stderr`, result.stderr);
      return result;
    }
    const carolRow = async (): Promise<Row | undefined> => {
      const list = await cli(["list", "--json"]);
      expect(list.code, list.stderr).toBe(0);
      return (JSON.parse(list.stdout.toString()) as Row[]).find(
        (row) => row.username === "carol" || row.login === "carol",
      );
    };
    const usersSince = (start: number) => [
      ...new Set(server.log.slice(start).flatMap((e) => (e.status === 200 && e.user ? [e.user] : []))),
    ];

    it("prompt → list → verify → rotate → fetch → logout → prompt", async () => {
      // git prompts for carol's token (no login named her) and hands it to the helper.
      await sandbox.useAnsweringAskpass("carol", CAROL_TOKEN);
      const dir = join(sandbox.root, "app");
      const clone = await git(["clone", `https://carol@${server.host}/acme/app.git`, dir]);
      expect(clone.code, clone.stderr).toBe(0);
      expect(sandbox.askpassLog()).toEqual([`Password for 'https://carol@${server.host}': `]);

      // list: there, unverified.
      expect(await carolRow()).toMatchObject({ username: "carol", login: null, isVerified: false });

      // verify: checked against the API, with GitHub's advice about its scopes.
      const verify = await cli(["verify", "--host", server.host]);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout.toString()).toMatch(
        /ok {3}carol@127\.0\.0\.1:\d+: valid; scopes repo, delete_repo/,
      );
      expect(verify.stdout.toString()).toContain("has scopes a git client never needs (delete_repo)");
      expect(await carolRow()).toMatchObject({
        login: "carol",
        isVerified: true,
        scopes: ["repo", "delete_repo"],
        expiresAt: new Date(expiresAtMs).toISOString(),
      });
      const get = await runArtifact(artifact, [`--store=${store}`, "get"], {
        env: sandbox.env,
        input: `protocol=https\nhost=${server.host}\nusername=carol\n\n`,
      });
      expect(get.stdout.toString()).toContain(`password_expiry_utc=${expiresAtMs / 1000}\n`);

      // rotate: the server now wants the new token; the next fetch uses it without a prompt.
      server.setToken("carol", CAROL_NEW);
      const rotate = await cli(
        ["rotate", "--host", server.host, "--user", "carol", "--with-token"],
        `${CAROL_NEW}\n`,
      );
      expect(rotate.code, rotate.stderr).toBe(0);
      let start = server.log.length;
      const fetch = await git(["fetch", "origin"], dir);
      expect(fetch.code, fetch.stderr).toBe(0);
      expect(usersSince(start)).toEqual(["carol"]);
      expect(sandbox.askpassLog()).toHaveLength(1);

      // logout: gone from the store (and the cache); git prompts again.
      const logout = await cli(["logout", "--host", server.host, "--user", "carol"]);
      expect(logout.code, logout.stderr).toBe(0);
      expect(await carolRow()).toBeUndefined();
      await sandbox.useAnsweringAskpass("carol", CAROL_NEW);
      start = server.log.length;
      const again = await git(["fetch", "origin"], dir);
      expect(again.code, again.stderr).toBe(0);
      expect(sandbox.askpassLog()).toHaveLength(2);
      expect(usersSince(start)).toEqual(["carol"]);
    });
  });
}

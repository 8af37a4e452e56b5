// Learning about a token git prompted for, with the real git, a loopback HTTPS git server and a
// fake GitHub API, for both artifacts and both persistent stores: git stores the token it
// prompted for, the helper starts the learner and returns without waiting for it (the API holds
// its answer until git is done), the learner records the token's facts and expiry, and `git
// credential fill` hands git password_expiry_utc from then on. A second clone starts no second
// learner; "learn": false asks nothing; a learner whose API never answers ends at its bound.
// The host counts as GitHub's because someone logged in to it with --api-url (a GHES user's
// other account): the learner asks that API.
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { fingerprint, Secret } from "../../src/secret.js";
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
import { createSandbox, type Sandbox, TIMEOUT_EXIT_CODE } from "../helpers/git-sandbox.js";
import { gitVersion, versionAtLeast } from "../helpers/modern-git.js";

const GIT_TIMEOUT_MS = 15_000;
const DAY_MS = 86_400_000;
/** bob logged in with this token; git prompts for carol's. */
const BOB_TOKEN = CANARY.classic;
const CAROL_TOKEN = CANARY.classic2;
const CAROL_FP = fingerprint(new Secret(CAROL_TOKEN));

/** GitHub's header format: "2026-12-20 10:00:00 UTC". */
function expirationHeader(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * Pids of the learners running for the token `print` (from /proc: a learner is started before the helper,
 * and so git, returns, so one that git's store started is there, or done, by then).
 */
function learnerPids(print: string): number[] {
  return readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      // A learner's argv names the token only by its fingerprint (nothing of git's request).
      return argv.includes("learn") && argv.includes(`--fingerprint=${print}`) ? [Number(name)] : [];
    } catch {
      return []; // Gone meanwhile.
    }
  });
}

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function describeSuite(artifact: Artifact, store: StoreKind): void {
  describeStore(store)(`learning after git's store: ${artifact.name} artifact, ${store} store`, () => {
    let server: GitHttpsServer;
    let api: FakeGithubApi;
    let serverRoot: string;
    let sandbox: Sandbox;
    /** api.requests before the test's own: login's GET /user (bob) is not the learner's. */
    let requestsBefore = 0;
    /** Every hold a test put on the API, released after it whatever happened (the API is shared). */
    const holds: Array<() => void> = [];
    const hold = () => {
      const release = api.hold();
      holds.push(release);
      return release;
    };
    const expiresAtMs = Math.floor((Date.now() + 30 * DAY_MS) / 1000) * 1000;

    beforeAll(async () => {
      serverRoot = await mkdtemp(join(tmpdir(), "gcp-learn-"));
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
      // Learning as people have it (on); the sandbox turns it off for every other test.
      delete sandbox.env.GIT_CREDENTIAL_PAT_LEARN;
      await sandbox.trustCa(server.caFile);
      await sandbox.git([
        "config",
        "--global",
        "credential.helper",
        `${artifact.helperCommand} --store=${store}`,
      ]);
      server.users.clear();
      api.tokens.clear();
      api.tokens.set(BOB_TOKEN, { login: "bob", scopes: ["repo"] });
      api.tokens.set(CAROL_TOKEN, {
        login: "carol",
        scopes: ["repo"],
        expiresAt: expirationHeader(expiresAtMs),
      });
      server.setToken("carol", CAROL_TOKEN);
      const login = await cli(
        ["login", "--with-token", "--host", server.host, "--api-url", api.url, "--store", store],
        `${BOB_TOKEN}\n`,
      );
      expect(login.code, login.stderr).toBe(0);
      requestsBefore = api.requests.length;
      await sandbox.useAnsweringAskpass("carol", CAROL_TOKEN);
    });
    afterEach(async () => {
      for (const release of holds.splice(0)) release();
      // No learner may outlive the test and write into the removed sandbox.
      expect(await eventually(() => learnerPids(CAROL_FP).length === 0)).toBe(true);
      await runArtifact(artifact, ["exit"], { env: sandbox.env });
      if (store === "keychain") await clearKeychainHosts([server.host], sandbox.env);
      await sandbox.cleanup();
    });

    async function cli(args: string[], input?: string) {
      const result = await runArtifact(artifact, args, {
        env: sandbox.env,
        ...(input === undefined ? {} : { input }),
      });
      // get's stdout is where the token belongs (runArtifact's own guard knows that answer).
      if (!args.includes("get")) recordOutput(`${args[0]} stdout`, result.stdout.toString());
      recordOutput(`${args[0]} stderr`, result.stderr);
      return result;
    }
    async function clone(dir: string) {
      const started = performance.now();
      const result = await sandbox.git(
        ["clone", `https://carol@${server.host}/acme/app.git`, join(sandbox.root, dir)],
        {
          timeoutMs: GIT_TIMEOUT_MS,
        },
      );
      recordOutput("git clone stderr", result.stderr);
      expect(result.code, "git was killed by the test timeout: did store wait for the API?").not.toBe(
        TIMEOUT_EXIT_CODE,
      );
      expect(result.code, result.stderr).toBe(0);
      return { ...result, durationMs: performance.now() - started };
    }
    const accountsFile = () => join(sandbox.home, ".config", "git-credential-pat", "accounts.json");
    const carolFacts = async () => {
      const data = JSON.parse(await readFile(accountsFile(), "utf8")) as {
        tokens?: Array<{ fingerprint: string }>;
      };
      return data.tokens?.find((facts) => facts.fingerprint === CAROL_FP);
    };
    /** The learner's requests: GET /user with carol's token (the fake knows it: authorized). */
    const carolRequests = () => api.requests.slice(requestsBefore).length;

    it("learns the prompted token in the background: git's store does not wait, then get hands git its expiry", async () => {
      const release = hold();
      const answeredBefore = api.answered();
      const first = await clone("app");
      // git prompted, stored carol's token and finished while the API still held its answer.
      expect(sandbox.askpassLog()).toEqual([`Password for 'https://carol@${server.host}': `]);
      expect(api.answered()).toBe(answeredBefore);
      // The learner asked (once), and only the answer is outstanding.
      expect(await eventually(() => carolRequests() === 1)).toBe(true);
      // It runs on the interpreter that started it: the bun binary, or the same node binary
      // (the Node-line projects run the Node build with a node that is not on PATH).
      expect(learnerPids(CAROL_FP).map((pid) => realpathSync(`/proc/${pid}/exe`))).toEqual([
        artifact.processExe,
      ]);
      expect(await carolFacts()).toBeUndefined();
      release();
      expect(await eventually(async () => (await carolFacts()) !== undefined)).toBe(true);
      expect(await carolFacts()).toMatchObject({
        host: server.host,
        login: "carol",
        kind: "classic",
        scopes: ["repo"],
        expiresAtMs,
        check: "valid",
        apiUrl: api.url,
      });
      // The learner is done (the expiry goes into the store after accounts.json).
      expect(await eventually(() => learnerPids(CAROL_FP).length === 0)).toBe(true);
      const request = `protocol=https\nhost=${server.host}\nusername=carol\n\n`;
      const get = await cli([`--store=${store}`, "get"], request);
      expect(get.stdout.toString()).toContain(`password_expiry_utc=${expiresAtMs / 1000}\n`);
      // A git older than 2.41 may drop password_expiry_utc (docs/protocol.md): ask git only when newer.
      if (versionAtLeast(gitVersion("git", sandbox.env) ?? "0", [2, 41])) {
        const fill = await sandbox.git(["credential", "fill"], { input: request });
        expect(fill.code, fill.stderr).toBe(0);
        expect(fill.stdout).toContain(`password_expiry_utc=${expiresAtMs / 1000}\n`);
      }
      // git's store returned while the API held its answer: the clone took no API time at all.
      expect(first.durationMs).toBeLessThan(GIT_TIMEOUT_MS);

      // A second clone: the token comes from the helper, git stores it again, nothing new to learn.
      const releaseAgain = hold();
      await clone("again");
      expect(sandbox.askpassLog()).toHaveLength(1);
      expect(learnerPids(CAROL_FP)).toEqual([]);
      expect(carolRequests()).toBe(1);
      releaseAgain();
    });

    it('asks nothing with "learn": false in config.json', async () => {
      const configDir = join(sandbox.home, ".config", "git-credential-pat");
      await writeFile(join(configDir, "config.json"), '{"learn": false}\n', { mode: 0o600 });
      const release = hold();
      await clone("app");
      expect(sandbox.askpassLog()).toHaveLength(1);
      // A learner is started before git returns: none is running, none asked.
      expect(learnerPids(CAROL_FP)).toEqual([]);
      expect(carolRequests()).toBe(0);
      expect(await carolFacts()).toBeUndefined();
      release();
    });

    it("ends a learner whose API never answers at its bound, recording nothing and leaving no lock", async () => {
      sandbox.env.GIT_CREDENTIAL_PAT_LEARN_TIMEOUT_MS = "1000";
      const release = hold();
      await clone("app");
      expect(await eventually(() => carolRequests() === 1)).toBe(true);
      const started = Date.now();
      expect(await eventually(() => learnerPids(CAROL_FP).length === 0, 5000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      const lockDir = join(sandbox.root, "run", "git-credential-pat");
      expect(readdirSync(lockDir).filter((name) => name.startsWith("learn-"))).toEqual([]);
      expect(await carolFacts()).toBeUndefined();
      release();
    });
  });
}

for (const artifact of artifacts()) for (const store of STORES) describeSuite(artifact, store);

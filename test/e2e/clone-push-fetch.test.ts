// The built artifacts as git's credential helper under real `git clone/push/fetch` over HTTPS
// (a loopback git http-backend with Basic auth): no prompt once a token is stored, a rotated
// token is erased by git and replaced with `git credential approve`, and a token typed at
// git's prompt is kept so the next clone does not prompt.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Artifact,
  accountHost,
  artifacts,
  clearKeychainHosts,
  describeStore,
  keychainAccounts,
  runArtifact,
  STORES,
  type StoreKind,
  storeEnv,
} from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type GitResult, type Sandbox, TIMEOUT_EXIT_CODE } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 15_000;
const REPOS = { basic: "acme/app.git", rotate: "acme/rotate.git", prompt: "acme/prompt.git" } as const;

/** The persistent stores, plus memory: the cache daemon alone, as with git credential-cache. */
type E2eStore = StoreKind | "memory";
const E2E_STORES: readonly E2eStore[] = [...STORES, "memory"];

function describeSuite(artifact: Artifact, store: E2eStore): void {
  const describeFor = store === "memory" ? describe : describeStore(store);
  describeFor(`${artifact.name} artifact, ${store} store: clone, push, fetch over HTTPS`, () => {
    let sandbox: Sandbox;
    let server: GitHttpsServer;

    const helperConfig = () => [
      "-c",
      "credential.helper=",
      "-c",
      `credential.helper=${artifact.helperCommand} --store=${store}`,
    ];

    async function git(args: string[], cwd?: string, input?: string): Promise<GitResult> {
      const result = await sandbox.git([...helperConfig(), ...args], {
        timeoutMs: GIT_TIMEOUT_MS,
        ...(cwd === undefined ? {} : { cwd }),
        ...(input === undefined ? {} : { input }),
      });
      recordOutput(`git ${args.join(" ")} stderr`, result.stderr);
      expect(result.code, "git was killed by the test timeout").not.toBe(TIMEOUT_EXIT_CODE);
      return result;
    }

    async function approve(username: string, password: string): Promise<void> {
      const result = await git(
        ["credential", "approve"],
        undefined,
        `protocol=https\nhost=${server.host}\nusername=${username}\npassword=${password}\n`,
      );
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }

    async function clone(repo: string, name: string): Promise<string> {
      const dir = join(sandbox.root, name);
      const result = await git(["clone", `${server.url}/${repo}`, dir]);
      expect(result.stderr).not.toMatch(/fatal|error/i);
      expect(result.code).toBe(0);
      expect(existsSync(join(dir, "README.md"))).toBe(true);
      return dir;
    }

    /** Account URLs (no password) the store holds for this server, read from the store itself. */
    async function storedSlots(): Promise<string[]> {
      let accounts: string[];
      if (store === "memory") {
        // Only the daemon knows: ask it the way git would, with the helper itself.
        const answer = await runArtifact(artifact, ["--store=memory", "get"], {
          input: `protocol=https\nhost=${server.host}\n`,
          env: sandbox.env,
        });
        const user = /^username=(.*)$/m.exec(answer.stdout.toString())?.[1];
        accounts = user === undefined ? [] : [`https://${user}@${server.host}`];
      } else if (store === "keychain") {
        accounts = await keychainAccounts(sandbox.env);
      } else {
        const file = join(sandbox.home, ".local/share/git-credential-pat/credentials");
        const content = await readFile(file, "utf8").catch(() => "");
        accounts = content
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => line.replace(/^([a-z]+:\/\/[^:@/]*)(?::[^@/]*)?@/, "$1@"));
      }
      return accounts.filter((account) => accountHost(account) === server.host).sort();
    }

    /** The users the server authenticated from log entry `start` on (successful requests only). */
    function usersSince(start: number): string[] {
      return [
        ...new Set(
          server.log
            .slice(start)
            .flatMap((entry) => (entry.status === 200 && entry.user ? [entry.user] : [])),
        ),
      ];
    }

    // One server per suite (its port makes the keychain accounts this suite's alone); a fresh
    // sandbox (HOME, file store, askpass log) per test, and the keychain cleared after each.
    let serverRoot: string;
    beforeAll(async () => {
      serverRoot = await mkdtemp(join(tmpdir(), "gcp-e2e-server-"));
      server = await startGitHttpsServer({ root: serverRoot });
      for (const repo of Object.values(REPOS)) await server.createRepo(repo);
    });

    afterAll(async () => {
      await server?.close();
      if (serverRoot) await rm(serverRoot, { recursive: true, force: true });
    });

    beforeEach(async () => {
      sandbox = await createSandbox({ extraEnv: store === "memory" ? {} : storeEnv(store) });
      await sandbox.trustCa(server.caFile);
    });

    afterEach(async () => {
      if (store === "keychain" && sandbox) await clearKeychainHosts([server.host], sandbox.env);
      await sandbox?.cleanup();
    });

    it("a token approved once serves clone, push and fetch without a prompt", async () => {
      server.setToken("alice", CANARY.classic);
      await approve("alice", CANARY.classic);
      expect(await storedSlots()).toEqual([`https://alice@${server.host}`]);
      const logStart = server.log.length;

      const dir = await clone(REPOS.basic, "clone");
      await writeFile(join(dir, "pushed.txt"), "hello\n");
      expect((await git(["add", "pushed.txt"], dir)).code).toBe(0);
      const commit = await git(
        ["-c", "user.name=Tester", "-c", "user.email=tester@example.invalid", "commit", "-m", "Add file"],
        dir,
      );
      expect(commit.code).toBe(0);
      const push = await git(["push", "origin", "main"], dir);
      expect(push.stderr).not.toMatch(/fatal|error/i);
      expect(push.code).toBe(0);
      const fetch = await git(["fetch", "origin"], dir);
      expect(fetch.stderr).not.toMatch(/fatal|error/i);
      expect(fetch.code).toBe(0);
      if (store === "memory") {
        // Nothing reached the disk.
        expect(existsSync(join(sandbox.home, ".local/share/git-credential-pat/credentials"))).toBe(false);
      }
      // The store alone (cache off, as after a reboot) serves git too.
      const storeOnly =
        store === "memory"
          ? fetch
          : await git(
              [
                "-c",
                "credential.helper=",
                "-c",
                `credential.helper=${artifact.helperCommand} --store=${store} --timeout=0`,
                "fetch",
                "origin",
              ],
              dir,
            );
      expect(storeOnly.stderr).not.toMatch(/fatal|error/i);
      expect(storeOnly.code).toBe(0);

      expect(sandbox.askpassLog()).toEqual([]);
      expect(usersSince(logStart)).toEqual(["alice"]);
      expect(server.log.slice(logStart)).toContainEqual(
        expect.objectContaining({
          method: "POST",
          path: `/${REPOS.basic}/git-receive-pack`,
          user: "alice",
          status: 200,
        }),
      );
      const local = (await git(["rev-parse", "HEAD"], dir)).stdout.trim();
      const remote = await git(["ls-remote", `${server.url}/${REPOS.basic}`, "main"]);
      expect(remote.stdout).toContain(local);
      expect(await storedSlots()).toEqual([`https://alice@${server.host}`]);
    });

    it("a rotated token fails, git erases it, and approving the new token restores fetch", async () => {
      server.setToken("alice", CANARY.classic);
      await approve("alice", CANARY.classic);
      const dir = await clone(REPOS.rotate, "clone");

      server.setToken("alice", CANARY.classic2);
      const stale = await git(["fetch", "origin"], dir);

      expect(stale.code).not.toBe(0);
      expect(stale.stderr).toMatch(/Authentication failed/);
      expect(sandbox.askpassLog()).toEqual([]);
      // git sent `erase` with the rejected token: the store no longer has it...
      expect(await storedSlots()).toEqual([]);
      // ...so git's own lookup finds nothing and falls back to the (failing) prompt.
      const fill = await git(["credential", "fill"], undefined, `protocol=https\nhost=${server.host}\n`);
      expect(fill.code).not.toBe(0);
      expect(fill.stdout).not.toContain(CANARY.classic);
      expect(sandbox.askpassLog()).toEqual([`Username for '${server.url}': `]);

      await approve("alice", CANARY.classic2);
      const logStart = server.log.length;
      const fresh = await git(["fetch", "origin"], dir);

      expect(fresh.stderr).not.toMatch(/fatal|error/i);
      expect(fresh.code).toBe(0);
      expect(usersSince(logStart)).toEqual(["alice"]);
      expect(sandbox.askpassLog()).toHaveLength(1);
      expect(await storedSlots()).toEqual([`https://alice@${server.host}`]);
    });

    it("a token typed at git's prompt is stored, so the next clone does not prompt", async () => {
      server.setToken("carol", CANARY.fineGrained);
      const failingAskpass = sandbox.env.GIT_ASKPASS;
      await sandbox.useAnsweringAskpass("carol", CANARY.fineGrained);

      await clone(REPOS.prompt, "first");

      expect(sandbox.askpassLog()).toEqual([
        `Username for '${server.url}': `,
        `Password for 'https://carol@${server.host}': `,
      ]);
      expect(await storedSlots()).toEqual([`https://carol@${server.host}`]);

      if (failingAskpass === undefined) throw new Error("sandbox has no GIT_ASKPASS");
      sandbox.env.GIT_ASKPASS = failingAskpass;
      sandbox.env.SSH_ASKPASS = failingAskpass;
      const logStart = server.log.length;

      await clone(REPOS.prompt, "second");

      expect(sandbox.askpassLog()).toHaveLength(2);
      expect(usersSince(logStart)).toEqual(["carol"]);
    });
  });
}

for (const artifact of artifacts()) {
  for (const store of E2E_STORES) describeSuite(artifact, store);
}

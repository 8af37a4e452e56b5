// logout and rotate on a token nobody logged in with: git stored it from its own prompt (under
// "Alice", with credential.useHttpPath copies under each repository's path), while TWO cache
// daemons hold it: the default socket's, and one on a custom --socket that a second repository's
// helper configuration uses. The real git, a loopback HTTPS git server, a fake GitHub API, and
// both built artifacts. Also: the daemon registry for real, and a daemon that never answers.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Artifact,
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
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const OLD = CANARY.classic;
const NEW = CANARY.classic2;

for (const artifact of artifacts()) {
  for (const store of STORES) {
    describeStore(store)(
      `logout and rotate of a token git stored, ${artifact.name} artifact, ${store} store`,
      () => {
        defineTests(artifact, store);
      },
    );
  }
}

function defineTests(artifact: Artifact, store: StoreKind): void {
  let server: GitHttpsServer;
  let api: FakeGithubApi;
  let serverRoot: string;
  let sandbox: Sandbox;
  let customSocket: string;
  let defaultSocket: string;
  let registry: string;
  let round = 0;

  beforeAll(async () => {
    serverRoot = await mkdtemp(join(tmpdir(), "gcp-any-token-"));
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
    await sandbox.git([
      "config",
      "--global",
      "credential.helper",
      `${artifact.helperCommand} --store=${store}`,
    ]);
    await sandbox.git(["config", "--global", `credential.https://${server.host}.useHttpPath`, "true"]);
    const runtime = sandbox.env.XDG_RUNTIME_DIR as string;
    defaultSocket = join(runtime, "git-credential-pat", "socket");
    registry = join(runtime, "git-credential-pat", "daemons");
    customSocket = join(sandbox.root, "work-cache", "socket");
    server.users.clear();
    api.tokens.clear();
  });
  afterEach(async () => {
    for (const socket of [defaultSocket, customSocket])
      await runArtifact(artifact, [`--socket=${socket}`, "exit"], { env: sandbox.env });
    // Keychain items outlive the sandbox: take every test token back out.
    if (store === "keychain") await clearKeychainHosts([server.host], sandbox.env);
    await sandbox.cleanup();
  });

  const cli = async (args: string[], input?: string) => {
    const result = await runArtifact(artifact, args, {
      env: sandbox.env,
      ...(input === undefined ? {} : { input }),
    });
    recordOutput(`${args[0]} stdout`, result.stdout.toString());
    recordOutput(`${args[0]} stderr`, result.stderr);
    return result;
  };
  const git = async (args: string[], cwd?: string) => {
    const result = await sandbox.git(args, { timeoutMs: 20_000, ...(cwd ? { cwd } : {}) });
    recordOutput(`git ${args[0]} stderr`, result.stderr);
    return result;
  };
  /** What the daemon on `socket` hands out for a repository, asked directly (no store behind it). */
  const cached = async (socket: string, path: string) => {
    const result = await runArtifact(artifact, [`--socket=${socket}`, "--store=memory", "get"], {
      env: sandbox.env,
      input: `protocol=https\nhost=${server.host}\npath=${path}\n\n`,
    });
    return /^password=(.*)$/m.exec(result.stdout.toString())?.[1];
  };
  const records = async () => {
    const names = await readdir(registry).catch(() => [] as string[]);
    return (await Promise.all(names.map((name) => readFile(join(registry, name), "utf8")))).sort();
  };
  const failingAskpass = () => {
    sandbox.env.GIT_ASKPASS = join(sandbox.root, "bin", "askpass-fail");
  };

  /**
   * git's prompt answered "Alice" and the token: app is cloned with the global helper, lib too,
   * then lib's own config names a second helper with a custom --socket, and a fetch there puts
   * the token in that daemon as well. Returns both working trees.
   */
  async function promptStoredToken(): Promise<{ app: string; lib: string; repos: string[] }> {
    round++;
    const repos = [`acme/app-${round}.git`, `acme/lib-${round}.git`];
    for (const repo of repos) await server.createRepo(repo);
    server.setToken("Alice", OLD);
    await sandbox.useAnsweringAskpass("Alice", OLD);
    const app = join(sandbox.root, "app");
    const lib = join(sandbox.root, "lib");
    expect((await git(["clone", `${server.url}/${repos[0]}`, app])).code).toBe(0);
    expect((await git(["clone", `${server.url}/${repos[1]}`, lib])).code).toBe(0);
    await git(["config", "--local", "credential.helper", ""], lib);
    await git(
      [
        "config",
        "--local",
        "--add",
        "credential.helper",
        `${artifact.helperCommand} --store=${store} --socket=${customSocket}`,
      ],
      lib,
    );
    await mkdir(join(sandbox.root, "work-cache"), { recursive: true, mode: 0o700 });
    failingAskpass();
    expect((await git(["fetch", "origin"], lib)).code).toBe(0);
    // git prompted twice (once per repository), and both daemons now hold the token.
    expect(sandbox.askpassLog().filter((line) => line.startsWith("Username"))).toHaveLength(2);
    expect(await cached(defaultSocket, repos[0] as string)).toBe(OLD);
    expect(await cached(customSocket, repos[1] as string)).toBe(OLD);
    expect(await records()).toEqual([`${customSocket}\n`, `${defaultSocket}\n`].sort());
    return { app, lib, repos };
  }

  it("logout --user alice removes every copy from the store and from both daemons: the next fetch prompts, through either helper", async () => {
    const { app, lib, repos } = await promptStoredToken();
    const prompts = sandbox.askpassLog().length;

    const logout = await cli(["logout", "--host", server.host, "--user", "alice", "--store", store]);
    expect(logout.stderr).toBe("");
    expect(logout.code).toBe(0);
    expect(logout.stdout.toString()).toMatch(
      new RegExp(
        `^Logged out Alice from ${server.host.replace(".", "\\.")} \\(token removed from ${store}\\)\n {2}ghp_… \\(fp [0-9a-f]{8}\\): 2 entries \\(Alice\\)\n`,
      ),
    );
    if (store === "file") {
      const file = await readFile(join(sandbox.home, ".local/share/git-credential-pat/credentials"), "utf8");
      expect(file).toBe("");
    } else {
      expect((await keychainAccounts(sandbox.env)).filter((name) => name.includes(server.host))).toEqual([]);
    }
    expect(await cached(defaultSocket, repos[0] as string)).toBeUndefined();
    expect(await cached(customSocket, repos[1] as string)).toBeUndefined();

    // The server still takes the token: only a prompt, never a cached copy, can be why git fails.
    for (const [dir, repo] of [
      [app, repos[0]],
      [lib, repos[1]],
    ] as const) {
      const fetch = await git(["fetch", "origin"], dir);
      expect(fetch.code).not.toBe(0);
      expect(sandbox.askpassLog().slice(prompts)).toContain(`Username for '${server.url}/${repo}': `);
    }
  });

  it("rotate --user alice puts the new token in every repository's copy and both daemons forget the old one", async () => {
    const { app, lib, repos } = await promptStoredToken();
    const prompts = sandbox.askpassLog().length;
    // GitHub now takes only the new token; the old one is revoked.
    api.tokens.set(NEW, { login: "alice", scopes: ["repo"] });
    server.setToken("Alice", NEW);

    const rotate = await cli(
      [
        "rotate",
        "--with-token",
        "--host",
        server.host,
        "--user",
        "alice",
        "--api-url",
        api.url,
        "--store",
        store,
      ],
      `${NEW}\n`,
    );
    expect(rotate.stderr).toBe("");
    expect(rotate.code).toBe(0);
    expect(rotate.stdout.toString()).toContain(`Rotated the token for Alice@${server.host}`);
    expect(rotate.stdout.toString()).toMatch(
      new RegExp(`replaced: ghp_… \\(fp [0-9a-f]{8}\\) in 2 entries \\(${store}\\)`),
    );

    for (const dir of [app, lib]) {
      const start = server.log.length;
      const fetch = await git(["fetch", "origin"], dir);
      expect(fetch.stderr).not.toMatch(/Authentication failed/);
      expect(fetch.code).toBe(0);
      expect(
        server.log
          .slice(start)
          .filter((entry) => entry.status === 200)
          .map((entry) => entry.user),
      ).toContain("Alice");
    }
    expect(sandbox.askpassLog().slice(prompts)).toEqual([]);
    expect(await cached(customSocket, repos[1] as string)).toBe(NEW);
    // What GitHub said about the new token is kept for list/verify.
    const accounts = JSON.parse(
      await readFile(join(sandbox.home, ".config/git-credential-pat/accounts.json"), "utf8"),
    );
    expect(accounts.tokens).toEqual([expect.objectContaining({ login: "alice", check: "valid" })]);
  });

  // The registry is the same whatever the store: run once (defined, not skipped, for the keychain).
  if (store === "file") {
    it("a daemon removes its registry record when it exits", async () => {
      await promptStoredToken();
      expect((await cli([`--socket=${customSocket}`, "exit"])).code).toBe(0);
      expect(await records()).toEqual([`${defaultSocket}\n`]);
    });

    describe("a daemon that never answers", () => {
      let hung: Server | undefined;
      const connections: Socket[] = [];
      afterEach(async () => {
        for (const connection of connections.splice(0)) connection.destroy();
        await new Promise<void>((resolve) => (hung ? hung.close(() => resolve()) : resolve()));
        hung = undefined;
      });

      it("logout names its socket and the way to stop it, exits 1, and has done everything else within the bound", async () => {
        await promptStoredToken();
        // Listens, accepts, reads, never replies: registered as a daemon would be.
        const socket = join(sandbox.root, "hung", "socket");
        await mkdir(join(sandbox.root, "hung"), { mode: 0o700 });
        hung = createServer({ allowHalfOpen: true }, (connection) => connections.push(connection.resume()));
        await new Promise<void>((resolve) => hung?.listen(socket, resolve));
        await writeFile(join(registry, "0123456789abcdef-hung"), `${socket}\n`, { mode: 0o600 });

        const started = performance.now();
        const logout = await cli(["logout", "--host", server.host, "--user", "alice", "--store", store]);
        expect(performance.now() - started).toBeLessThan(5000);
        expect(logout.code).toBe(1);
        expect(logout.stdout.toString()).toContain("Logged out Alice");
        expect(logout.stderr).toBe(
          `git-credential-pat: the cache daemon on ${socket} may still hand git the old token: no answer within 1000 ms\n` +
            `hint: stop it: git-credential-pat --socket=${socket} exit\n`,
        );
        expect(await cached(customSocket, `acme/lib-${round}.git`)).toBeUndefined();
      });
    });
  }
}

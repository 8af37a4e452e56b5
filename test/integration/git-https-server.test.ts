// Self-tests of the integration harness: the real git binary, over real TLS, against git http-backend.
// If these fail, every end-to-end test built on the helpers is meaningless, so they check the harness
// itself: auth is enforced, push works, failures are fast and prompt-free, and the env is hermetic.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHttpsServer } from "../helpers/git-https-server.js";
import { startGitHttpsServer } from "../helpers/git-https-server.js";
import type { Sandbox } from "../helpers/git-sandbox.js";
import { createSandbox, TIMEOUT_EXIT_CODE } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 10_000;

/** `-c` args that reset inherited helpers and install a one-line helper answering `get` with fixed creds. */
function inlineHelper(username: string, password: string): string[] {
  return [
    "-c",
    "credential.helper=",
    "-c",
    `credential.helper=!f() { test "$1" = get && echo username=${username} && echo password=${password}; }; f`,
  ];
}

describe("git https test server + sandbox (real git)", { timeout: 20_000 }, () => {
  let sandbox: Sandbox;
  let server: GitHttpsServer;
  let repoUrl: string;
  let cloneCount = 0;

  beforeAll(async () => {
    sandbox = await createSandbox();
    server = await startGitHttpsServer({ root: join(sandbox.root, "server") });
    await server.createRepo("acme/app.git");
    await sandbox.trustCa(server.caFile);
    repoUrl = `${server.url}/acme/app.git`;
  });

  afterAll(async () => {
    await server?.close();
    await sandbox?.cleanup();
  });

  async function cloneAsAlice(password: string): Promise<string> {
    const dir = join(sandbox.root, `clone-${++cloneCount}`);
    const result = await sandbox.git([...inlineHelper("alice", password), "clone", repoUrl, dir], {
      timeoutMs: GIT_TIMEOUT_MS,
    });
    expect(result.stderr).not.toContain("fatal");
    expect(result.code).toBe(0);
    return dir;
  }

  it("clones with a credential from an inline helper and logs the user, never the token", async () => {
    server.setToken("alice", "SECRET1");
    const logStart = server.log.length;

    const dir = await cloneAsAlice("SECRET1");

    expect(existsSync(join(dir, "README.md"))).toBe(true);
    const entries = server.log.slice(logStart);
    // git probes anonymously first; the server must challenge that probe.
    expect(entries[0]).toMatchObject({ user: null, status: 401, path: "/acme/app.git/info/refs" });
    expect(entries.some((e) => e.user === "alice" && e.status === 200)).toBe(true);
    expect(JSON.stringify(server.log)).not.toContain("SECRET1");
    expect(sandbox.askpassLog()).toEqual([]);
  });

  it("pushes a commit", async () => {
    server.setToken("alice", "SECRET1");
    const dir = await cloneAsAlice("SECRET1");
    await writeFile(join(dir, "pushed.txt"), "hello\n");
    const opts = { cwd: dir, timeoutMs: GIT_TIMEOUT_MS };
    expect((await sandbox.git(["add", "pushed.txt"], opts)).code).toBe(0);
    const commit = await sandbox.git(
      ["-c", "user.name=Tester", "-c", "user.email=tester@example.invalid", "commit", "-m", "Add file"],
      opts,
    );
    expect(commit.code).toBe(0);
    const logStart = server.log.length;

    const push = await sandbox.git([...inlineHelper("alice", "SECRET1"), "push", "origin", "main"], opts);

    expect(push.stderr).not.toContain("fatal");
    expect(push.code).toBe(0);
    expect(server.log.slice(logStart)).toContainEqual(
      expect.objectContaining({
        method: "POST",
        path: "/acme/app.git/git-receive-pack",
        user: "alice",
        status: 200,
      }),
    );
    const local = (await sandbox.git(["rev-parse", "HEAD"], opts)).stdout.trim();
    const remote = await sandbox.git(
      [...inlineHelper("alice", "SECRET1"), "ls-remote", repoUrl, "main"],
      opts,
    );
    expect(remote.stdout).toContain(local);
  });

  it("fails fast on a rotated token, without prompting when a helper answered", async () => {
    server.setToken("alice", "SECRET1");
    const dir = await cloneAsAlice("SECRET1");
    server.setToken("alice", "SECRET2");
    const opts = { cwd: dir, timeoutMs: GIT_TIMEOUT_MS };
    const promptsBefore = sandbox.askpassLog().length;

    // The helper supplies both username and password, so git rejects them and stops: no prompt at all.
    const stale = await sandbox.git([...inlineHelper("alice", "SECRET1"), "fetch", "origin"], opts);
    expect(stale.code).not.toBe(0);
    expect(stale.code).not.toBe(TIMEOUT_EXIT_CODE);
    expect(stale.stderr).toMatch(/Authentication failed/);
    expect(sandbox.askpassLog().length).toBe(promptsBefore);

    // With no helper git falls back to askpass; the failing one records the prompt and git dies at once.
    const none = await sandbox.git(["-c", "credential.helper=", "fetch", "origin"], opts);
    expect(none.code).not.toBe(0);
    expect(none.code).not.toBe(TIMEOUT_EXIT_CODE);
    expect(none.stderr).toMatch(/could not read Username .*terminal prompts disabled/);
    expect(sandbox.askpassLog().slice(promptsBefore)).toEqual([`Username for '${server.url}': `]);
  });

  it("useAnsweringAskpass answers git's prompts without a helper", async () => {
    server.setToken("alice", "SECRET1");
    const own = await createSandbox();
    try {
      await own.trustCa(server.caFile);
      await own.useAnsweringAskpass("alice", "SECRET1");

      const result = await own.git(["clone", repoUrl, "app"], { timeoutMs: GIT_TIMEOUT_MS });

      expect(result.stderr).not.toContain("fatal");
      expect(result.code).toBe(0);
      expect(existsSync(join(own.root, "app", "README.md"))).toBe(true);
      expect(own.askpassLog()).toEqual([
        `Username for '${server.url}': `,
        `Password for 'https://alice@${server.host}': `,
      ]);
      expect(Object.values(own.env).join("\n")).not.toContain("SECRET1");
    } finally {
      await own.cleanup();
    }
  });

  it("builds a hermetic env that ignores leaky variables from process.env", async () => {
    const leaky: Record<string, string> = {
      GH_TOKEN: "ghp_leaked",
      GITHUB_TOKEN: "ghp_leaked",
      GIT_SSL_CAINFO: "/nonexistent/ca.pem",
      GIT_TRACE: "1",
      HTTPS_PROXY: "http://127.0.0.1:9",
      https_proxy: "http://127.0.0.1:9",
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus",
    };
    const saved = Object.fromEntries(Object.keys(leaky).map((k) => [k, process.env[k]]));
    Object.assign(process.env, leaky);
    let own: Sandbox | undefined;
    let withDbus: Sandbox | undefined;
    try {
      own = await createSandbox();
      withDbus = await createSandbox({
        extraEnv: { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS },
      });

      const names = Object.keys(own.env);
      expect(names.filter((n) => /^(GH_|GITHUB_)/.test(n) || /_proxy$/i.test(n))).toEqual([]);
      expect(names).not.toContain("GIT_SSL_CAINFO");
      expect(names).not.toContain("GIT_TRACE");
      expect(names).not.toContain("DBUS_SESSION_BUS_ADDRESS");
      expect(withDbus.env.DBUS_SESSION_BUS_ADDRESS).toBe(leaky.DBUS_SESSION_BUS_ADDRESS);

      // What git's children actually see, via a shell alias.
      const seen = await own.git(["-c", "alias.showenv=!env", "showenv"], { timeoutMs: GIT_TIMEOUT_MS });
      expect(seen.code).toBe(0);
      expect(seen.stdout).not.toMatch(/^(GH_TOKEN|GITHUB_TOKEN|GIT_SSL_CAINFO|HTTPS_PROXY)=/m);
      expect(seen.stdout).toContain(`GIT_CONFIG_GLOBAL=${own.root}/gitconfig`);

      // A leaked GIT_SSL_CAINFO=/nonexistent would break TLS; http.sslCAInfo alone must suffice.
      await own.trustCa(server.caFile);
      server.setToken("alice", "SECRET1");
      const lsRemote = await own.git([...inlineHelper("alice", "SECRET1"), "ls-remote", repoUrl], {
        timeoutMs: GIT_TIMEOUT_MS,
      });
      expect(lsRemote.stderr).toBe("");
      expect(lsRemote.stdout).toMatch(/\trefs\/heads\/main$/m);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await own?.cleanup();
      await withDbus?.cleanup();
    }
  });
});

// The GitHub API misbehaving under people's commands (login, rotate, verify) with the built
// binary: hanging, slow, 500, 403 rate-limited. Each wait is bounded (the CLI's 10 s API timeout),
// each failure is one clear line, and the fake server counts requests: one per token, no retries.
// Also SIGTERM/SIGINT while a command waits on the API: nothing written, no lock left. And git's
// `get` never asks the API at all, so a dead API cannot slow git down.
import { spawnSync } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type FakeGithubApi, type FakeMode, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const API_TIMEOUT_MS = 10_000;

/** Every file under `dir` with its bytes. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name)] = (await readFile(join(entry.parentPath, entry.name))).toString(
        "base64",
      );
  }
  return out;
}

/** A proxy in front of the fake API that holds every request for `delayMs` first. */
async function slowProxy(
  target: string,
  delayMs: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    setTimeout(async () => {
      const upstream = await fetch(`${target}${req.url}`, {
        headers: { authorization: req.headers.authorization ?? "" },
      });
      res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
      res.end(Buffer.from(await upstream.arrayBuffer()));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ourLines = (stderr: string) =>
  stderr.split("\n").filter((line) => line.startsWith("git-credential-pat:") || line.startsWith("hint:"));

describe.each(artifacts().filter((a) => a.name === "binary"))(
  "the GitHub API failing, with the $name artifact",
  (artifact: Artifact) => {
    let sandbox: Sandbox;
    let api: FakeGithubApi;
    /** Unique per test, so pgrep finds only this test's command. */
    let HOST: string;

    beforeEach(async () => {
      HOST = `api-faults-${Math.random().toString(36).slice(2, 10)}.example`;
      sandbox = await createSandbox();
      sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
      api = await startFakeGithubApi();
      api.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
      api.tokens.set(CANARY.classic2, { login: "alice", scopes: ["repo"] });
    });
    afterEach(async () => {
      await api.close();
      await sandbox.cleanup();
    });

    const cli = async (args: string[], input = "") => {
      const result = await runArtifact(artifact, args, { input, env: sandbox.env, timeoutMs: 30_000 });
      if (!args.includes("get")) recordOutput(`${args[0]} stdout`, result.stdout.toString());
      recordOutput(`${args[0]} stderr`, result.stderr);
      return result;
    };
    const login = (token: string, apiUrl = api.url) =>
      cli(["login", "--with-token", "--host", HOST, "--api-url", apiUrl], `${token}\n`);
    const rotate = (token: string) => cli(["rotate", "--with-token", "--host", HOST], `${token}\n`);
    const loggedIn = async () => {
      const result = await login(CANARY.classic);
      expect([result.code, result.stderr]).toEqual([0, ""]);
      api.requests.length = 0;
      return tree(sandbox.home);
    };

    const FAILURES: Array<{ mode: FakeMode; message: (url: string) => string | RegExp; maxMs: number }> = [
      {
        mode: "hang",
        message: (url) =>
          `git-credential-pat: ${url} did not answer within 10 s; set GIT_CREDENTIAL_PAT_API_TIMEOUT_MS to wait longer`,
        maxMs: API_TIMEOUT_MS + 3000,
      },
      {
        mode: "500",
        message: (url) =>
          new RegExp(`^git-credential-pat: ${url} answered 500: Server Error \\(request id FAKE:\\w+\\)$`),
        maxMs: 3000,
      },
      {
        mode: "rate-limited",
        message: (url) =>
          `git-credential-pat: ${url} rate limit exceeded (403); it resets at 2030-01-01T00:00:00.000Z`,
        maxMs: 3000,
      },
    ];

    describe.each(FAILURES)("API $mode", ({ mode, message, maxMs }) => {
      it("login: one request, a bounded wait, one clear line, nothing stored", async () => {
        api.setMode(mode);
        const before = await tree(sandbox.home);
        const result = await login(CANARY.classic);
        expect(result.code).toBe(1);
        expect(result.durationMs).toBeLessThan(maxMs);
        const [first] = ourLines(result.stderr);
        if (typeof message(api.url) === "string") expect(first).toBe(message(api.url));
        else expect(first).toMatch(message(api.url));
        expect(api.requests).toHaveLength(1);
        expect(await tree(sandbox.home)).toEqual(before);
      });

      it("rotate: one request, a bounded wait, the old token kept", async () => {
        const before = await loggedIn();
        api.setMode(mode);
        const result = await rotate(CANARY.classic2);
        expect(result.code).toBe(1);
        expect(result.durationMs).toBeLessThan(maxMs);
        expect(ourLines(result.stderr)[0]).toMatch(new RegExp(`^git-credential-pat: ${api.url}`));
        expect(api.requests).toHaveLength(1);
        expect(await tree(sandbox.home)).toEqual(before);
      });

      it("verify: one request per account, a bounded wait, exit 4, nothing recorded about the token", async () => {
        const before = await loggedIn();
        api.setMode(mode);
        const result = await cli(["verify"]);
        expect(result.code).toBe(4);
        expect(result.durationMs).toBeLessThan(maxMs);
        expect(result.stdout.toString()).toMatch(
          new RegExp(`^FAIL alice@${HOST.replace(".", "\\.")}: ${api.url}`),
        );
        expect(api.requests).toHaveLength(1);
        const accounts = join(sandbox.home, ".config", "git-credential-pat", "accounts.json");
        expect((await tree(sandbox.home))[accounts]).toBe(before[accounts]);
      });
    });

    it("a slow API (2 s) is waited for: login succeeds after one request", async () => {
      const proxy = await slowProxy(api.url, 2000);
      try {
        const result = await login(CANARY.classic, proxy.url);
        expect([result.code, result.stderr]).toEqual([0, ""]);
        expect(result.durationMs).toBeGreaterThanOrEqual(2000);
        expect(api.requests).toHaveLength(1);
      } finally {
        await proxy.close();
      }
    });

    it("git's get never asks the API, even with an account whose API hangs", async () => {
      await loggedIn();
      api.setMode("hang");
      const started = performance.now();
      const fill = await sandbox.git(
        [
          "-c",
          "credential.helper=",
          "-c",
          `credential.helper=${artifact.helperCommand} --timeout=0`,
          "credential",
          "fill",
        ],
        { input: `protocol=https\nhost=${HOST}\n\n`, timeoutMs: 15_000 },
      );
      recordOutput("git fill stderr", fill.stderr);
      expect(fill.stdout).toContain(`password=${CANARY.classic}\n`);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(api.requests).toEqual([]);
    });

    describe.each([
      { command: "login", signal: "SIGTERM" as const },
      { command: "login", signal: "SIGINT" as const },
      { command: "rotate", signal: "SIGTERM" as const },
      { command: "rotate", signal: "SIGINT" as const },
    ])("$signal during $command while the API is slow", ({ command, signal }) => {
      it("ends at once; the store and accounts.json are the old ones, no lock or temp file left", async () => {
        const before = await loggedIn();
        api.setMode("hang");
        const running = command === "login" ? login(CANARY.classic2) : rotate(CANARY.classic2);
        const deadline = Date.now() + 5000;
        while (api.requests.length === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        expect(api.requests).toHaveLength(1);
        const pids = spawnSync(
          "pgrep",
          ["-f", `${artifact.argv[0]} ${command} --with-token --host ${HOST}`],
          {
            encoding: "utf8",
          },
        )
          .stdout.split("\n")
          .filter(Boolean)
          .map(Number);
        const sentAt = performance.now();
        for (const pid of pids) process.kill(pid, signal);
        const result = await running;
        expect(performance.now() - sentAt).toBeLessThan(2000);
        expect(pids).toHaveLength(1);
        // Killed by the signal (runCommand reports any signal death other than SIGKILL as 143).
        expect(result.code).toBe(143);
        expect(await tree(sandbox.home)).toEqual(before);
      });
    });

    it("SIGTERM during login's commit (waiting for accounts.json's lock) takes effect once both files are written", async () => {
      const before = await loggedIn();
      const configDir = join(sandbox.home, ".config", "git-credential-pat");
      const accountsFile = join(configDir, "accounts.json");
      const lock = `${accountsFile}.lock`;
      await writeFile(lock, "", { mode: 0o600 }); // another writer holds the lock for a moment
      const running = login(CANARY.classic2);
      const deadline = Date.now() + 5000;
      while (api.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const pids = spawnSync("pgrep", ["-f", `${artifact.argv[0]} login --with-token --host ${HOST}`], {
        encoding: "utf8",
      })
        .stdout.split("\n")
        .filter(Boolean)
        .map(Number);
      expect(pids).toHaveLength(1);
      for (const pid of pids) process.kill(pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      await rm(lock);
      const result = await running;
      expect(result.code).toBe(143);
      // Both new, nothing extra (no lock, no temp file).
      const after = await tree(sandbox.home);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      const fingerprintIn = (text: string) => JSON.parse(text).accounts[0].fingerprint;
      expect(fingerprintIn(await readFile(accountsFile, "utf8"))).not.toBe(
        fingerprintIn(Buffer.from(before[accountsFile] as string, "base64").toString()),
      );
      expect(
        await readFile(join(sandbox.home, ".local", "share", "git-credential-pat", "credentials"), "utf8"),
      ).toContain(CANARY.classic2);
    });
  },
);

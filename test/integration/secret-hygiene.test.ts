// Tokens never travel where other processes or files can see them: after a real
// `git credential approve` of a canary, the cache daemon (which holds it in memory) has none in
// its argv or its environment, even when git's environment carries a GH_TOKEN; and after a
// clone authenticated with a stored token, git's URL-bearing files and outputs (the remote URL
// in .git/config, reflogs, FETCH_HEAD, `git remote -v`) hold none. The suite-wide canary guard
// also scans every sandbox file but the store after each test.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { artifacts, runArtifact, uniqueHost } from "../helpers/artifacts.js";
import { CANARY, findCanaries } from "../helpers/canary.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox, TIMEOUT_EXIT_CODE } from "../helpers/git-sandbox.js";

/** Pids of the cache daemons started inside `root` (their socket path is under it). */
function daemonPids(root: string): number[] {
  const result = spawnSync("pgrep", ["-f", `cache-daemon ${root}/`], { encoding: "utf8" });
  return result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map(Number);
}

/** Every file under `dir`, recursively (git's object store included: nothing is skipped here). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

for (const artifact of artifacts()) {
  describe(`${artifact.name} artifact: no token in a child's argv or environment`, () => {
    let sandbox: Sandbox;
    beforeEach(async () => {
      sandbox = await createSandbox();
    });
    afterEach(async () => {
      await sandbox?.cleanup();
    });

    it("the cache daemon holding a canary has none in /proc/PID/cmdline or /proc/PID/environ", async () => {
      const host = uniqueHost();
      // A token variable in git's environment must not be handed on to the daemon either.
      const env = {
        GH_TOKEN: CANARY.classic2,
        GITHUB_TOKEN: CANARY.fineGrained,
        GH_ENTERPRISE_TOKEN: CANARY.plain,
        GITHUB_ENTERPRISE_TOKEN: CANARY.plain,
        GH_HOST: "ghe.hygiene.example",
      };
      const helper = [
        "-c",
        "credential.helper=",
        "-c",
        `credential.helper=${artifact.helperCommand} --store=memory`,
      ];
      const approve = await sandbox.git([...helper, "credential", "approve"], {
        input: `protocol=https\nhost=${host}\nusername=alice\npassword=${CANARY.classic}\n`,
        env,
      });
      expect(approve.code).not.toBe(TIMEOUT_EXIT_CODE);
      expect(approve).toMatchObject({ code: 0, stderr: "" });

      const pids = daemonPids(sandbox.root);
      expect(pids, "one cache daemon runs for the sandbox").toHaveLength(1);
      const pid = pids[0] as number;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
      const environ = await readFile(`/proc/${pid}/environ`, "utf8");
      expect(cmdline).toContain("cache-daemon");
      expect(environ).toContain(`HOME=${sandbox.home}`);
      expect(findCanaries(cmdline)).toEqual([]);
      expect(findCanaries(environ)).toEqual([]);

      // The daemon really holds the token: the helper's get answers it from memory alone.
      const get = await runArtifact(artifact, ["--store=memory", "get"], {
        input: `protocol=https\nhost=${host}\n`,
        env: sandbox.env,
      });
      const password = /^password=(.*)$/m.exec(get.stdout.toString("utf8"))?.[1];
      expect(password === CANARY.classic, "the daemon answers with the approved token").toBe(true);
    });
  });
}

describe("terminal escapes from a crafted request (CVE-2024-50349)", () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await createSandbox();
  });
  afterEach(async () => {
    await sandbox?.cleanup();
  });

  for (const artifact of artifacts()) {
    it(`${artifact.name}: the ssh warning and the refusal to store over http show control characters as ?`, async () => {
      // OSC "set window title" and a CR that would overwrite the line on a terminal.
      const evil = "\x1b]0;pwned\x07evil\rgithub.com";
      const ssh = await runArtifact(artifact, ["get"], {
        input: `protocol=ssh\nhost=${evil}\npath=acme/app.git\n`,
        env: sandbox.env,
      });
      const http = await runArtifact(artifact, ["--store=file", "--timeout=0", "store"], {
        input: `protocol=http\nhost=${evil}\nusername=alice\npassword=${CANARY.classic}\n`,
        env: sandbox.env,
      });
      for (const result of [ssh, http]) {
        expect(result.code).toBe(0);
        expect(result.stderr).toContain("?]0;pwned?evil?github.com");
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
        expect(result.stderr.replace(/\n$/, "")).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }
    });
  }
});

describe("git's URL-bearing outputs after a clone with a stored token", () => {
  const artifact = artifacts()[0];
  if (artifact === undefined) throw new Error("no artifact");
  let serverRoot: string;
  let server: GitHttpsServer;
  let sandbox: Sandbox;

  beforeAll(async () => {
    serverRoot = await mkdtemp(join(tmpdir(), "gcp-hygiene-server-"));
    server = await startGitHttpsServer({ root: serverRoot });
    await server.createRepo("acme/app.git");
    server.setToken("alice", CANARY.classic);
  });
  afterAll(async () => {
    await server?.close();
    if (serverRoot) await rm(serverRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    sandbox = await createSandbox();
    await sandbox.trustCa(server.caFile);
  });
  afterEach(async () => {
    await sandbox?.cleanup();
  });

  it("hold no token: .git/config, logs, FETCH_HEAD, git remote -v, git config remote.origin.url", async () => {
    const helper = [
      "-c",
      "credential.helper=",
      "-c",
      `credential.helper=${artifact.helperCommand} --store=file --timeout=0`,
    ];
    const approve = await sandbox.git([...helper, "credential", "approve"], {
      input: `protocol=https\nhost=${server.host}\nusername=alice\npassword=${CANARY.classic}\n`,
    });
    expect(approve).toMatchObject({ code: 0, stderr: "" });
    const dir = join(sandbox.root, "app");
    const clone = await sandbox.git([...helper, "clone", `${server.url}/acme/app.git`, dir], {
      timeoutMs: 15_000,
    });
    expect(clone.code).toBe(0);
    expect(existsSync(join(dir, "README.md"))).toBe(true);
    const fetch = await sandbox.git([...helper, "fetch", "origin"], { cwd: dir, timeoutMs: 15_000 });
    expect(fetch.code).toBe(0);
    expect(sandbox.askpassLog(), "git never prompted: the token came from the helper").toEqual([]);

    const remote = await sandbox.git(["remote", "-v"], { cwd: dir });
    expect(remote.stdout).toContain(`${server.url}/acme/app.git`);
    const url = await sandbox.git(["config", "--get", "remote.origin.url"], { cwd: dir });
    expect(url.stdout.trim()).toBe(`${server.url}/acme/app.git`);
    for (const output of [
      clone.stdout,
      clone.stderr,
      fetch.stdout,
      fetch.stderr,
      remote.stdout,
      url.stdout,
    ]) {
      expect(findCanaries(output)).toEqual([]);
    }
    // Every file of the clone's .git that names the remote (the guard skips git's objects; here
    // nothing is skipped, and the URL-bearing ones are checked to exist).
    const gitFiles = await filesUnder(join(dir, ".git"));
    const urlBearing = [join(dir, ".git/config"), join(dir, ".git/FETCH_HEAD"), join(dir, ".git/logs/HEAD")];
    for (const file of urlBearing) expect(gitFiles).toContain(file);
    for (const file of gitFiles) {
      expect(findCanaries(await readFile(file, "latin1")), file).toEqual([]);
    }
  });
});

// `setup` with the real git and each built artifact: the per-URL entries it writes, idempotency,
// a byte-identical --undo, --local and --file, quoting git runs through the shell, and the point
// of it all: with a global `credential.helper = store`, an HTTPS clone gets the token from us and
// git's plaintext store keeps nothing.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, DIST_DIR, runArtifact, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 20_000;

/** What a user's global config often looks like: comments, a global store helper, no final newline. */
const EXISTING_CONFIG = `# my settings
[user]
\tname = Alice Example
\temail = alice@example.com
[credential]
\thelper = store
[alias]
\tco = checkout
[credential "https://ghe.example.com"]
\tusername = alice`;

describe.each(artifacts())("setup with the $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  let globalFile: string;

  beforeEach(async () => {
    sandbox = await createSandbox();
    globalFile = sandbox.env.GIT_CONFIG_GLOBAL as string;
    // Our helper keeps tokens in its file store: no keyring in this suite.
    const configDir = join(sandbox.home, ".config", "git-credential-pat");
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(configDir, "config.json"), '{"store":"file"}\n', { mode: 0o600 });
  });
  afterEach(async () => {
    await runArtifact(artifact, ["exit"], { env: sandbox.env });
    await sandbox.cleanup();
  });

  const setup = async (args: string[], options: { cwd?: string; command?: string[] } = {}) => {
    const result = await runCommand([...(options.command ?? artifact.argv), "setup", ...args], {
      env: sandbox.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    recordOutput("setup stdout", result.stdout.toString());
    recordOutput("setup stderr", result.stderr);
    return { code: result.code, stdout: result.stdout.toString(), stderr: result.stderr };
  };
  const git = async (args: string[], options: { cwd?: string; input?: string } = {}) => {
    const result = await sandbox.git(args, { timeoutMs: GIT_TIMEOUT_MS, ...options });
    if (!args.includes("fill")) recordOutput(`git ${args.join(" ")} stdout`, result.stdout);
    recordOutput(`git ${args[0]} stderr`, result.stderr);
    return result;
  };
  const fill = (host: string) => git(["credential", "fill"], { input: `protocol=https\nhost=${host}\n\n` });

  it("writes an empty helper, then this helper, per URL: what git config --list and --get-urlmatch see", async () => {
    const result = await setup([]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `Setting up git-credential-pat for github.com in ${globalFile}`,
        'set credential.https://github.com.helper = "" (reset the helper list)',
        `add credential.https://github.com.helper = ${JSON.stringify(artifact.helperCommand)}`,
        "Undo with: git-credential-pat setup --undo",
        "",
      ].join("\n"),
    );
    expect(await readFile(globalFile, "utf8")).toBe(
      `[credential "https://github.com"]\n\thelper = \n\thelper = ${artifact.helperCommand}\n`,
    );
    expect((await git(["config", "--global", "--list"])).stdout).toBe(
      `credential.https://github.com.helper=\ncredential.https://github.com.helper=${artifact.helperCommand}\n`,
    );
    const urlmatch = await git(["config", "--get-urlmatch", "credential.helper", "https://github.com"]);
    expect(urlmatch.stdout).toBe(`${artifact.helperCommand}\n`);
  });

  it("changes nothing the second time and says so", async () => {
    await writeFile(globalFile, EXISTING_CONFIG);
    expect((await setup([])).code).toBe(0);
    const after = await readFile(globalFile);
    const again = await setup([]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `git already uses git-credential-pat for github.com in ${globalFile}; nothing changed\n`,
    );
    expect(await readFile(globalFile)).toEqual(after);
  });

  it("--undo gives back the exact bytes and mode of a config with a store helper and other settings", async () => {
    await writeFile(globalFile, EXISTING_CONFIG);
    // git keeps a config file's mode when it rewrites it; so must --undo.
    await chmod(globalFile, 0o640);
    const before = await readFile(globalFile);
    expect((await setup(["--host", "github.com", "--host", "ghe.example.com"])).code).toBe(0);
    expect((await setup(["--host", "127.0.0.1:4711"])).code).toBe(0);
    expect(await readFile(globalFile, "utf8")).toContain(
      `[credential "https://ghe.example.com"]\n\tusername = alice\n\thelper = \n`,
    );

    const undo = await setup(["--undo"]);
    expect(undo.stderr).toBe("");
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain("unset credential.https://github.com.helper (it was not set before setup)");
    expect(undo.stdout).toContain(`${globalFile} is back to exactly what it was before setup`);
    expect(await readFile(globalFile)).toEqual(before);
    expect((await stat(globalFile)).mode & 0o777).toBe(0o640);

    const twice = await setup(["--undo"]);
    expect(twice).toMatchObject({
      code: 0,
      stdout: `Nothing to undo: setup has not changed ${globalFile}\n`,
    });
  });

  it("--undo removes a global config file that did not exist before", async () => {
    await rm(globalFile);
    expect((await setup([])).code).toBe(0);
    expect((await stat(globalFile)).isFile()).toBe(true);
    expect((await setup(["--undo"])).code).toBe(0);
    await expect(stat(globalFile)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("--undo leaves a key the user changed after setup, says so and exits 1, and restores the rest", async () => {
    await writeFile(globalFile, EXISTING_CONFIG);
    expect((await setup(["--host", "github.com", "--host", "ghe.example.com"])).code).toBe(0);
    await git(["config", "--global", "--add", "credential.https://github.com.helper", "cache"]);

    const undo = await setup(["--undo"]);
    expect(undo.code).toBe(1);
    expect(undo.stdout).toContain(
      "unset credential.https://ghe.example.com.helper (it was not set before setup)",
    );
    expect(undo.stderr).toBe(
      `git-credential-pat: could not restore credential.https://github.com.helper: it was changed after setup (now "", ${JSON.stringify(artifact.helperCommand)}, "cache"; setup set "", ${JSON.stringify(artifact.helperCommand)}; before setup: unset); left as it is\n`,
    );
    const values = await git(["config", "--global", "--get-all", "credential.https://github.com.helper"]);
    expect(values.stdout).toBe(`\n${artifact.helperCommand}\ncache\n`);
    expect(
      (await git(["config", "--global", "--get-all", "credential.https://ghe.example.com.username"])).stdout,
    ).toBe("alice\n");
    expect(
      (await git(["config", "--global", "--get-all", "credential.https://ghe.example.com.helper"])).code,
    ).toBe(1);
  });

  it("--local writes the current repository's config, --file the named file, and each undoes alone", async () => {
    const repo = join(sandbox.root, "repo");
    expect((await git(["init", "--quiet", repo])).code).toBe(0);
    const repoConfig = join(repo, ".git", "config");
    const repoBefore = await readFile(repoConfig);
    const local = await setup(["--local"], { cwd: repo });
    expect(local.code).toBe(0);
    expect(local.stdout).toContain(`in ${repoConfig}\n`);
    const inRepo = await git(["config", "--get-urlmatch", "credential.helper", "https://github.com"], {
      cwd: repo,
    });
    expect(inRepo.stdout).toBe(`${artifact.helperCommand}\n`);

    const ciFile = join(sandbox.root, "ci.gitconfig");
    expect((await setup(["--file", "ci.gitconfig"], { cwd: sandbox.root })).code).toBe(0);
    expect(await readFile(ciFile, "utf8")).toBe(
      `[credential "https://github.com"]\n\thelper = \n\thelper = ${artifact.helperCommand}\n`,
    );
    expect(await readFile(globalFile, "utf8")).toBe("");

    expect((await setup(["--undo", "--file", ciFile])).code).toBe(0);
    await expect(stat(ciFile)).rejects.toMatchObject({ code: "ENOENT" });
    expect((await setup(["--undo", "--local"], { cwd: repo })).code).toBe(0);
    expect(await readFile(repoConfig)).toEqual(repoBefore);
  });

  it("refuses two targets (exit 2) and reports git's own error (exit 1)", async () => {
    const both = await setup(["--global", "--local"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("use one of --global, --local and --file");
    const outside = await setup(["--local"], { cwd: sandbox.root });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain("--local needs a git repository: fatal: not a git repository");
    const unwritable = await setup(["--file", join(sandbox.root, "missing", "dir", "config")]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(
      /git-credential-pat: git config --file .* failed: error: could not lock config file/,
    );
  });

  it("writes pat when git-credential-pat is on PATH, and git runs it as git credential-pat", async () => {
    const bin = join(sandbox.root, "path-bin");
    await mkdir(bin);
    await symlink(
      artifact.name === "binary" ? (artifact.argv[0] as string) : join(DIST_DIR, "cli.cjs"),
      join(bin, "git-credential-pat"),
    );
    // cli.cjs starts with "#!/usr/bin/env node": the artifact's node comes first on PATH.
    const nodeDir = artifact.name === "node" ? [dirname(artifact.argv[0] as string)] : [];
    sandbox.env.PATH = [bin, ...nodeDir, sandbox.env.PATH].join(":");
    const host = "ghe.example.com";
    expect((await setup(["--host", host])).code).toBe(0);
    expect((await git(["config", "--global", "--get-all", `credential.https://${host}.helper`])).stdout).toBe(
      "\npat\n",
    );

    const approve = await git(["credential", "approve"], {
      input: `protocol=https\nhost=${host}\nusername=alice\npassword=${CANARY.classic}\n\n`,
    });
    expect(approve.code).toBe(0);
    const filled = await fill(host);
    expect(filled.code).toBe(0);
    expect(filled.stdout).toContain(`password=${CANARY.classic}\n`);
    expect(sandbox.askpassLog()).toEqual([]);
  });

  it("quotes its own command so git's shell runs it from a directory with a space and a quote", async () => {
    const dir = join(sandbox.root, "it's my tools");
    await mkdir(dir);
    let command: string[];
    if (artifact.name === "binary") {
      await copyFile(artifact.argv[0] as string, join(dir, "git-credential-pat"));
      await runCommand(["chmod", "755", join(dir, "git-credential-pat")], { env: sandbox.env });
      command = [join(dir, "git-credential-pat")];
    } else {
      await copyFile(join(DIST_DIR, "cli.cjs"), join(dir, "cli.cjs"));
      await copyFile(join(DIST_DIR, "commands.mjs"), join(dir, "commands.mjs"));
      command = [artifact.argv[0] as string, join(dir, "cli.cjs")];
    }
    const host = "ghe.example.com";
    const result = await setup(["--host", host], { command });
    expect(result.code).toBe(0);
    const helper = (await git(["config", "--get-urlmatch", "credential.helper", `https://${host}`])).stdout;
    expect(helper).toBe(
      artifact.name === "binary"
        ? `!'${sandbox.root}/it'\\''s my tools/git-credential-pat'\n`
        : `${artifact.argv[0]} '${sandbox.root}/it'\\''s my tools/cli.cjs'\n`,
    );
    await git(["credential", "approve"], {
      input: `protocol=https\nhost=${host}\nusername=alice\npassword=${CANARY.fineGrained}\n\n`,
    });
    const filled = await fill(host);
    expect(filled.code).toBe(0);
    expect(filled.stdout).toContain(`password=${CANARY.fineGrained}\n`);
  });
});

describe.each(artifacts())(
  "setup keeps the PAT away from a global store helper ($name artifact)",
  (artifact) => {
    let server: GitHttpsServer;
    let serverRoot: string;
    let sandbox: Sandbox;

    beforeAll(async () => {
      serverRoot = await mkdtemp(join(tmpdir(), "gcp-setup-"));
      server = await startGitHttpsServer({ root: serverRoot });
      await server.createRepo("acme/app.git");
    });
    afterAll(async () => {
      await server?.close();
      await rm(serverRoot, { recursive: true, force: true });
    });
    beforeEach(async () => {
      sandbox = await createSandbox();
      await sandbox.trustCa(server.caFile);
      await sandbox.git(["config", "--global", "credential.helper", "store"]);
      const configDir = join(sandbox.home, ".config", "git-credential-pat");
      await mkdir(configDir, { recursive: true, mode: 0o700 });
      await writeFile(join(configDir, "config.json"), '{"store":"file"}\n', { mode: 0o600 });
      server.users.clear();
    });
    afterEach(async () => {
      await runArtifact(artifact, ["exit"], { env: sandbox.env });
      await sandbox.cleanup();
    });

    const git = async (args: string[], input?: string) => {
      const result = await sandbox.git(args, { timeoutMs: GIT_TIMEOUT_MS, ...(input ? { input } : {}) });
      recordOutput(`git ${args[0]} stderr`, result.stderr);
      return result;
    };
    const gitCredentials = () =>
      readFile(join(sandbox.home, ".git-credentials"), "utf8").catch(() => undefined);

    it("clones with the token from this helper, and ~/.git-credentials never gets it", async () => {
      server.setToken("alice", CANARY.classic);
      const setup = await runArtifact(artifact, ["setup", "--host", server.host], { env: sandbox.env });
      recordOutput("setup stderr", setup.stderr);
      expect(setup.stderr).toBe("");
      expect(setup.code).toBe(0);

      // Stored through git, which now hands credentials for this host to our helper only.
      const approve = await git(
        ["credential", "approve"],
        `protocol=https\nhost=${server.host}\nusername=alice\npassword=${CANARY.classic}\n\n`,
      );
      expect(approve.code).toBe(0);
      expect(await gitCredentials()).toBeUndefined();

      const clone = await git(["clone", `${server.url}/acme/app.git`, join(sandbox.root, "app")]);
      expect(clone.stderr).not.toContain("fatal");
      expect(clone.code).toBe(0);
      expect(sandbox.askpassLog()).toEqual([]);
      expect(server.log.filter((entry) => entry.status === 200).map((entry) => entry.user)).toContain(
        "alice",
      );
      // git approves the credential to every helper in the list after the clone: store is not in it.
      expect(await gitCredentials()).toBeUndefined();

      // The control: once setup is undone, the same clone hands the typed token to store in plaintext.
      const undo = await runArtifact(artifact, ["setup", "--undo"], { env: sandbox.env });
      expect(undo.code).toBe(0);
      await sandbox.useAnsweringAskpass("alice", CANARY.classic);
      expect((await git(["clone", `${server.url}/acme/app.git`, join(sandbox.root, "again")])).code).toBe(0);
      expect(await gitCredentials()).toContain(`https://alice:${CANARY.classic}@127.0.0.1`);
    });
  },
);

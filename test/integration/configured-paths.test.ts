// Paths people configure, with the real git running the helper inside a repository: git runs
// helpers in the working tree, so "~/.git-credentials" (the spelling docs/stores.md uses) must
// mean the home directory, and a relative path must be refused, never resolved there, where
// `git add -A` would commit the token. Both artifacts; config.json "file",
// GIT_CREDENTIAL_PAT_FILE, GIT_CREDENTIAL_PAT_CONFIG_DIR, --socket, and doctor's report.
import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { exemptFile, recordOutput } from "../helpers/canary-guard.js";
import { type GitHttpsServer, startGitHttpsServer } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const HOST = "paths.example";
const approve = (token: string, host = HOST) =>
  `protocol=https\nhost=${host}\nusername=alice\npassword=${token}\n\n`;
const IDENTITY = {
  GIT_AUTHOR_NAME: "Fixture",
  GIT_AUTHOR_EMAIL: "fixture@example.invalid",
  GIT_COMMITTER_NAME: "Fixture",
  GIT_COMMITTER_EMAIL: "fixture@example.invalid",
};

/** Every path under `dir` but .git, relative to it, sorted: what `git add -A` would see. */
async function worktree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .filter((path) => path !== ".git" && !path.startsWith(".git/"))
    .sort();
}

/** The helper's own lines on stderr. */
const ourLines = (stderr: string) =>
  stderr.split("\n").filter((line) => line.startsWith("git-credential-pat:") || line.startsWith("hint:"));

let server: GitHttpsServer;
let serverRoot: string;

beforeAll(async () => {
  serverRoot = await mkdtemp(join(tmpdir(), "gcp-paths-server-"));
  server = await startGitHttpsServer({ root: serverRoot });
  await server.createRepo("acme/app.git");
  server.setToken("alice", CANARY.classic);
});
afterAll(async () => {
  await server?.close();
  if (serverRoot) await rm(serverRoot, { recursive: true, force: true });
});

describe.each(artifacts())(
  "paths from config and environment with the $name artifact",
  (artifact: Artifact) => {
    let sandbox: Sandbox;
    let repo: string;
    let configDir: string;

    const writeConfig = async (config: object, dir = configDir) => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, "config.json"), `${JSON.stringify(config)}\n`, { mode: 0o600 });
    };
    /** `git credential ACTION` in the repository, with only this helper configured. */
    const gitCredential = async (action: string, input: string, helperOptions = "--timeout=0") => {
      const result = await sandbox.git(
        [
          "-c",
          "credential.helper=",
          "-c",
          `credential.helper=${artifact.helperCommand} ${helperOptions}`,
          "credential",
          action,
        ],
        { input, cwd: repo, timeoutMs: 15_000 },
      );
      recordOutput(`git credential ${action} stderr`, result.stderr);
      return result;
    };
    /** The helper run directly in the repository, as git would run it. */
    const helper = async (args: string[], input: string, env: Record<string, string> = {}) => {
      const result = await runArtifact(artifact, args, {
        input,
        env: { ...sandbox.env, ...env },
        cwd: repo,
        timeoutMs: 15_000,
      });
      recordOutput(`helper ${args.join(" ")} stderr`, result.stderr);
      return result;
    };
    const status = async () =>
      (await sandbox.git(["status", "--porcelain", "--ignored"], { cwd: repo })).stdout;

    beforeEach(async () => {
      sandbox = await createSandbox();
      await sandbox.trustCa(server.caFile);
      configDir = join(sandbox.home, ".config", "git-credential-pat");
      repo = join(sandbox.root, "repo");
      await mkdir(repo);
      expect((await sandbox.git(["init", "-q", repo])).code).toBe(0);
      await writeFile(join(repo, "README.md"), "hello\n");
      await sandbox.git(["add", "-A"], { cwd: repo });
      expect((await sandbox.git(["commit", "-qm", "init"], { cwd: repo, env: IDENTITY })).code).toBe(0);
    });
    afterEach(async () => {
      await sandbox.cleanup();
    });

    it('"file": "~/.git-credentials" is the home directory\'s file: approve and clone in a repository leave the repository clean', async () => {
      await writeConfig({ store: "file", file: "~/.git-credentials" });
      const credentials = join(sandbox.home, ".git-credentials");

      const approved = await gitCredential("approve", approve(CANARY.classic2));
      expect([approved.code, approved.stderr]).toEqual([0, ""]);
      expect(await readFile(credentials, "utf8")).toBe(`https://alice:${CANARY.classic2}@${HOST}\n`);
      const fill = await gitCredential("fill", `protocol=https\nhost=${HOST}\n\n`);
      expect(fill.stdout).toContain(`password=${CANARY.classic2}\n`);

      // A clone run from inside the repository: git prompts (the answering askpass), and on success
      // the helper stores the token, in $HOME.
      await sandbox.useAnsweringAskpass("alice", CANARY.classic);
      const clone = await sandbox.git(
        [
          "-c",
          "credential.helper=",
          "-c",
          `credential.helper=${artifact.helperCommand} --timeout=0`,
          "clone",
          `${server.url}/acme/app.git`,
          join(sandbox.root, "app"),
        ],
        { cwd: repo, timeoutMs: 20_000 },
      );
      recordOutput("git clone stderr", clone.stderr);
      expect(clone.code).toBe(0);
      expect(await readFile(credentials, "utf8")).toContain(
        `https://alice:${CANARY.classic}@${server.host}\n`,
      );

      expect(await status()).toBe("");
      expect(await worktree(repo)).toEqual(["README.md"]);
    });

    it.each([
      { name: "a relative HOME", home: "relhome" },
      { name: "an empty HOME", home: "" },
    ])(
      "with $name the store goes to the user database's home, never under the working directory",
      async ({ home }) => {
        const before = await worktree(repo);
        // No XDG_* either: every default directory derives from the home directory.
        const env = {
          HOME: home,
          XDG_CONFIG_HOME: "",
          XDG_DATA_HOME: "",
          XDG_CACHE_HOME: "",
          XDG_STATE_HOME: "",
        };
        const store = await helper(
          ["--store=file", "--timeout=0", "store"],
          approve(CANARY.classic2, "home.example"),
          env,
        );
        try {
          expect(await worktree(repo)).toEqual(before);
          expect(await status()).toBe("");
        } finally {
          // It went to the real home of this user: take it back out.
          await helper(
            ["--store=file", "--timeout=0", "erase"],
            `protocol=https\nhost=home.example\n\n`,
            env,
          );
        }
        expect(store.code === 0 || ourLines(store.stderr).length === 1).toBe(true);
      },
    );

    it("a store file behind a symlink (a dotfiles repository) is written where it is: the link stays, git's credential-store sees the same lines", async () => {
      const dotfiles = join(sandbox.home, "dotfiles");
      await mkdir(dotfiles, { mode: 0o700 });
      const target = join(dotfiles, "git-credentials");
      exemptFile(target, "the file store, reached through ~/.git-credentials");
      await writeFile(target, `https://bob:${CANARY.classic}@${HOST}\n`, { mode: 0o600 });
      await symlink("dotfiles/git-credentials", join(sandbox.home, ".git-credentials"));
      await writeConfig({ store: "file", file: "~/.git-credentials" });

      expect((await gitCredential("approve", approve(CANARY.classic2))).code).toBe(0);
      const rejectBob = `protocol=https\nhost=${HOST}\nusername=bob\npassword=${CANARY.classic}\n\n`;
      expect((await gitCredential("reject", rejectBob)).code).toBe(0);
      expect((await lstat(join(sandbox.home, ".git-credentials"))).isSymbolicLink()).toBe(true);
      expect(await readFile(target, "utf8")).toBe(`https://alice:${CANARY.classic2}@${HOST}\n`);
      const viaGitStore = await sandbox.git(
        ["-c", "credential.helper=", "-c", "credential.helper=store", "credential", "fill"],
        { input: `protocol=https\nhost=${HOST}\n\n`, cwd: repo },
      );
      expect(viaGitStore.stdout).toContain(`password=${CANARY.classic2}\n`);
    });

    const relativeCases: Array<{
      name: string;
      setting: string;
      config: object | undefined;
      env: Record<string, string>;
    }> = [
      {
        name: 'config.json "file"',
        setting: '"file" in',
        config: { store: "file", file: "creds" },
        env: {},
      },
      {
        name: "GIT_CREDENTIAL_PAT_FILE",
        setting: "GIT_CREDENTIAL_PAT_FILE",
        config: { store: "file" },
        env: { GIT_CREDENTIAL_PAT_FILE: "creds" },
      },
      {
        name: "GIT_CREDENTIAL_PAT_FILE with ./",
        setting: "GIT_CREDENTIAL_PAT_FILE",
        config: { store: "file" },
        env: { GIT_CREDENTIAL_PAT_FILE: "./secrets/creds" },
      },
      {
        name: "GIT_CREDENTIAL_PAT_CONFIG_DIR",
        setting: "GIT_CREDENTIAL_PAT_CONFIG_DIR",
        config: undefined,
        env: { GIT_CREDENTIAL_PAT_CONFIG_DIR: "pat-config", GIT_CREDENTIAL_PAT_STORE: "file" },
      },
    ];
    it.each(relativeCases)(
      "a relative $name is refused with one line naming it, exit 1, and nothing is written under the working directory",
      async ({ setting, config, env }) => {
        if (config) await writeConfig(config);
        const before = await worktree(repo);

        const store = await helper(["--timeout=0", "store"], approve(CANARY.classic), env);
        expect(store.code).toBe(1);
        const lines = ourLines(store.stderr);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^git-credential-pat: /);
        expect(lines[0]).toContain(setting);
        expect(lines[0]).toContain("is a relative path");
        expect(lines[0]).toContain("use an absolute path or one starting with ~/");

        // Through git: git ignores the status but shows the message, and stores nothing.
        const approved = await sandbox.git(
          [
            "-c",
            "credential.helper=",
            "-c",
            `credential.helper=${artifact.helperCommand} --timeout=0`,
            "credential",
            "approve",
          ],
          { input: approve(CANARY.classic), cwd: repo, env, timeoutMs: 15_000 },
        );
        recordOutput("git approve stderr", approved.stderr);
        expect(ourLines(approved.stderr)[0]).toBe(lines[0]);

        expect(await worktree(repo)).toEqual(before);
        expect(await status()).toBe("");
        // Not anywhere else either: no store file was created for it.
        expect(existsSync(join(sandbox.home, ".local/share/git-credential-pat/credentials"))).toBe(false);
      },
    );

    it("--socket: ~/ is the home directory; a relative one is a usage error (exit 2) that creates nothing", async () => {
      const before = await worktree(repo);
      const relative = await helper(
        ["--socket=sock/socket", "--store=memory", "store"],
        approve(CANARY.classic),
      );
      expect(relative.code).toBe(2);
      expect(ourLines(relative.stderr)).toEqual([
        'git-credential-pat: --socket is a relative path ("sock/socket"); use an absolute path or one starting with ~/',
      ]);
      const approved = await gitCredential(
        "approve",
        approve(CANARY.classic),
        "--store=memory --socket=sock/socket",
      );
      expect(ourLines(approved.stderr)[0]).toBe(ourLines(relative.stderr)[0]);
      expect(await worktree(repo)).toEqual(before);
      expect(await status()).toBe("");

      const home = await gitCredential(
        "approve",
        approve(CANARY.classic),
        "--store=memory --socket=~/sock/socket",
      );
      expect([home.code, home.stderr]).toEqual([0, ""]);
      try {
        const fill = await gitCredential(
          "fill",
          `protocol=https\nhost=${HOST}\n\n`,
          "--store=memory --socket=~/sock/socket",
        );
        expect(fill.stdout).toContain(`password=${CANARY.classic}\n`);
        expect(existsSync(join(sandbox.home, "sock", "socket"))).toBe(true);
      } finally {
        await helper(["--socket=~/sock/socket", "exit"], "");
      }
      expect(await worktree(repo)).toEqual(before);
    });

    it("doctor reports a relative store file as a failure with the fix, and a ~/ one as the home directory's", async () => {
      await writeConfig({ store: "file", file: "creds" });
      const relative = await runArtifact(artifact, ["doctor", "--json"], { env: sandbox.env, cwd: repo });
      recordOutput("doctor stderr", relative.stderr);
      const rows = JSON.parse(relative.stdout.toString("utf8")) as Array<{
        area: string;
        status: string;
        message: string;
        fix?: string;
      }>;
      expect(relative.code).toBe(1);
      const files = rows.filter((row) => row.area === "files");
      expect(files).toContainEqual({
        area: "files",
        status: "fail",
        message: `"file" in ${join(configDir, "config.json")} is a relative path ("creds")`,
        fix: "use an absolute path or one starting with ~/",
      });
      expect(files.some((row) => row.message.includes(join(repo, "creds")))).toBe(false);

      await writeConfig({ store: "file", file: "~/.git-credentials" });
      const home = await runArtifact(artifact, ["doctor", "--json"], { env: sandbox.env, cwd: repo });
      const homeRows = JSON.parse(home.stdout.toString("utf8")) as Array<{ area: string; message: string }>;
      expect(
        homeRows.some(
          (row) =>
            row.area === "files" &&
            row.message.startsWith(`store file ${join(sandbox.home, ".git-credentials")} `),
        ),
      ).toBe(true);
      expect(await worktree(repo)).toEqual(["README.md"]);
    });
  },
);

// `doctor` against tokens people write into URLs git keeps, with the real git and both artifacts:
// remote URLs (a password, 40 hex digits as the user name), a pushurl, a submodule's remote and URL,
// and an insteadOf section named by a token in the global config. The report never shows them; --fix
// takes every one out, through a `git` on PATH that logs its argv and environment, so the test
// proves no token reached a child's command line (/proc/PID/cmdline) or environment.
import { spawnSync } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../src/accounts/account.js";
import { fingerprint, Secret } from "../../src/secret.js";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY, findCanaries } from "../helpers/canary.js";
import { exemptFile } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const GHES = "ghe.acme.test";
const HOST = "127.0.0.1:4711";
const IDENTITY = {
  GIT_AUTHOR_NAME: "Fixture",
  GIT_AUTHOR_EMAIL: "fixture@example.invalid",
  GIT_COMMITTER_NAME: "Fixture",
  GIT_COMMITTER_EMAIL: "fixture@example.invalid",
};

interface Row {
  area: string;
  status: "ok" | "warn" | "fail";
  message: string;
  fix?: string;
}

const bob: Account = {
  host: GHES,
  login: "bob",
  kind: "fine-grained",
  fingerprint: fingerprint(new Secret(CANARY.fineGrained)),
  isDefault: true,
  owners: [],
  store: "file",
};

/** Logs each argv (NUL between words, one line per run) and the environment, then runs the real git. */
const wrapper = (realGit: string, dir: string) => `#!/bin/sh
for word in "$@"; do printf '%s\\0' "$word"; done >> '${dir}/git-argv.log'
printf '\\n' >> '${dir}/git-argv.log'
env >> '${dir}/git-env.log'
exec '${realGit}' "$@"
`;

describe.each(artifacts())("doctor and tokens in URLs → $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  let repo: string;
  let files: { local: string; global: string; submodule: string };

  const git = async (args: string[], cwd = repo) => {
    const result = await sandbox.git(args, { cwd, env: IDENTITY });
    if (result.code !== 0) throw new Error(`git ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  };

  /** Runs doctor in the repository, with GH_TOKEN set and `git` on PATH logging what it is given. */
  const doctor = async (args: string[]) => {
    const wrapDir = join(sandbox.root, "wrap");
    const env = {
      ...sandbox.env,
      PATH: `${wrapDir}:${sandbox.env.PATH ?? ""}`,
      GH_TOKEN: CANARY.classic,
      GITHUB_ENTERPRISE_TOKEN: CANARY.fineGrained,
    };
    const result = await runArtifact(artifact, ["doctor", ...args], { env, cwd: repo, timeoutMs: 30_000 });
    return { code: result.code, stdout: result.stdout.toString("utf8"), stderr: result.stderr };
  };
  const readLog = (name: string) => readFile(join(sandbox.root, name), "utf8").catch(() => "");

  beforeEach(async () => {
    sandbox = await createSandbox();
    const configDir = join(sandbox.home, ".config/git-credential-pat");
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(configDir, "config.json"), '{"store":"file"}\n', { mode: 0o600 });
    await writeFile(join(configDir, "accounts.json"), JSON.stringify({ version: 1, accounts: [bob] }), {
      mode: 0o600,
    });
    const storeDir = join(sandbox.home, ".local/share/git-credential-pat");
    await mkdir(storeDir, { recursive: true, mode: 0o700 });
    await writeFile(join(storeDir, "credentials"), `https://bob:${CANARY.fineGrained}@${GHES}\n`, {
      mode: 0o600,
    });
    await chmod(join(sandbox.home, ".local/share"), 0o700);

    // The global config: our helper, a rule that holds no token, and one named by a token.
    await git(["config", "--global", "credential.helper", artifact.helperCommand], sandbox.root);
    await git(["config", "--global", "user.name", "Fixture"], sandbox.root);
    await git(["config", "--global", "url.git@gitlab.com:.insteadOf", "https://gitlab.com/"], sandbox.root);
    await git(
      ["config", "--global", `url.https://${CANARY.classic2}@${HOST}/.insteadOf`, `https://${HOST}/`],
      sandbox.root,
    );
    await git(
      ["config", "--global", `url.https://${CANARY.classic2}@${HOST}/.pushInsteadOf`, `ssh://${HOST}/`],
      sandbox.root,
    );
    await git(["config", "--global", "core.autocrlf", "false"], sandbox.root);

    // A submodule whose remote holds a password.
    const lib = join(sandbox.root, "lib");
    await git(["init", "--quiet", "--initial-branch=main", lib], sandbox.root);
    await git(["commit", "--quiet", "--allow-empty", "-m", "lib"], lib);
    repo = join(sandbox.root, "repo");
    await git(["init", "--quiet", "--initial-branch=main", repo], sandbox.root);
    await git(["-c", "protocol.file.allow=always", "submodule", "add", "--quiet", lib, "libs/ui"]);
    await git([
      "-C",
      "libs/ui",
      "remote",
      "set-url",
      "origin",
      `https://bob:${CANARY.plain}@${HOST}/acme/ui.git`,
    ]);

    // The repository: a password, a pushurl holding a token, 40 hex digits as a user name, and a
    // remote with two URLs of which one holds a token.
    await git(["remote", "add", "origin", `https://alice:${CANARY.classic}@${HOST}/acme/app.git`]);
    await git([
      "remote",
      "set-url",
      "--push",
      "origin",
      `https://${CANARY.fineGrained}@${HOST}/acme/app.git`,
    ]);
    await git(["remote", "add", "hexed", `https://${CANARY.hex40}@${HOST}/acme/hexed.git`]);
    await git(["remote", "add", "mirror", "https://gitlab.com/acme/app.git"]);
    await git([
      "remote",
      "set-url",
      "--add",
      "mirror",
      `https://x-access-token:${CANARY.classic}@${HOST}/acme/app.git`,
    ]);
    await git(["config", "branch.main.remote", "origin"]);
    // What `git submodule update` would clone from, in the superproject's own config.
    await git(["config", "submodule.libs/ui.url", `https://carol:${CANARY.plain}@${HOST}/acme/ui.git`]);

    files = {
      local: join(repo, ".git/config"),
      global: join(sandbox.root, "gitconfig"),
      submodule: join(repo, ".git/modules/libs/ui/config"),
    };
    const realGit = spawnSync("sh", ["-c", "command -v git"], {
      env: sandbox.env,
      encoding: "utf8",
    }).stdout.trim();
    await mkdir(join(sandbox.root, "wrap"));
    await writeFile(join(sandbox.root, "wrap/git"), wrapper(realGit, sandbox.root), { mode: 0o755 });
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  it("fails on every token in a URL and prints none of them, in the report or in --json", async () => {
    // The fixture keeps its tokens in this test: doctor only reports.
    for (const file of Object.values(files)) exemptFile(file, "a git config holding tokens to report");
    const report = await doctor([]);
    expect(report.code).toBe(1);
    expect(findCanaries(`${report.stdout}${report.stderr}`)).toEqual([]);
    expect(report.stdout).toContain(
      `  fail origin: https://alice:***@${HOST}/acme/app.git holds a password, ghp_… (fp `,
    );
    expect(report.stdout).toContain(
      `       fix (--fix): git remote set-url origin https://alice@${HOST}/acme/app.git\n`,
    );

    const json = await doctor(["--json"]);
    expect(json.code).toBe(1);
    expect(findCanaries(`${json.stdout}${json.stderr}`)).toEqual([]);
    const rows = JSON.parse(json.stdout) as Row[];
    const failing = rows
      .filter((row) => row.status === "fail")
      .map((row) => `${row.area}: ${row.message.split(" holds ")[0]}`);
    expect(failing.sort()).toEqual(
      [
        `url rewrites: url.https://***@${HOST}/.insteadOf=https://${HOST}/ (global, ${files.global})`,
        `url rewrites: url.https://***@${HOST}/.pushInsteadOf=ssh://${HOST}/ (global, ${files.global})`,
        `remotes: origin: https://alice:***@${HOST}/acme/app.git`,
        `remotes: origin (push): https://***@${HOST}/acme/app.git`,
        `remotes: hexed: https://***@${HOST}/acme/hexed.git`,
        `remotes: mirror: https://x-access-token:***@${HOST}/acme/app.git`,
        `remotes: libs/ui: origin: https://bob:***@${HOST}/acme/ui.git`,
        `remotes: submodule libs/ui: https://carol:***@${HOST}/acme/ui.git`,
      ].sort(),
    );
    expect(rows).toContainEqual({
      area: "url rewrites",
      status: "fail",
      message: expect.stringContaining("it still works on 127.0.0.1:4711 until you revoke or rotate it"),
      fix: `delete the [url "https://***@${HOST}/"] section from ${files.global}`,
    });
  });

  it("--fix takes every token out, never through a child's argv or environment, and touches nothing else", async () => {
    const before = {
      local: await readFile(files.local, "utf8"),
      global: await readFile(files.global, "utf8"),
      submodule: await readFile(files.submodule, "utf8"),
    };
    const fixed = await doctor(["--fix"]);
    expect(findCanaries(`${fixed.stdout}${fixed.stderr}`)).toEqual([]);
    expect(fixed.stdout).toContain(
      `  ok   ran: git remote set-url origin https://alice@${HOST}/acme/app.git\n`,
    );
    expect(fixed.stdout).toContain(
      `  ok   ran: delete the [url "https://***@${HOST}/"] section from ${files.global}\n`,
    );
    expect(fixed.stdout).not.toContain("  fail ");
    expect(fixed.code).toBe(0);

    // The children: git ran (through the wrapper), and no token reached its argv or environment.
    const argv = await readLog("git-argv.log");
    expect(argv).toContain("config\0--file\0");
    expect(argv).toContain("--replace-all\0");
    expect(findCanaries(argv)).toEqual([]);
    const env = await readLog("git-env.log");
    expect(env).toContain("PATH=");
    expect(findCanaries(env)).toEqual([]);
    expect(env).not.toMatch(/^(GH_TOKEN|GITHUB_TOKEN|GH_ENTERPRISE_TOKEN|GITHUB_ENTERPRISE_TOKEN)=/m);

    // What git sees now: no token anywhere, and every remote still there, in its place.
    const list = await git(["config", "--list", "--show-origin"]);
    expect(findCanaries(list)).toEqual([]);
    expect((await git(["remote", "-v"])).split("\n").sort().join("\n")).toBe(
      [
        "",
        `hexed\thttps://${HOST}/acme/hexed.git (fetch)`,
        `hexed\thttps://${HOST}/acme/hexed.git (push)`,
        // git remote -v shows a remote's first fetch URL, after insteadOf, and every push URL.
        "mirror\tgit@gitlab.com:acme/app.git (fetch)",
        "mirror\tgit@gitlab.com:acme/app.git (push)",
        `mirror\thttps://x-access-token@${HOST}/acme/app.git (push)`,
        `origin\thttps://${HOST}/acme/app.git (push)`,
        `origin\thttps://alice@${HOST}/acme/app.git (fetch)`,
      ].join("\n"),
    );
    expect((await git(["-C", "libs/ui", "remote", "get-url", "origin"])).trim()).toBe(
      `https://bob@${HOST}/acme/ui.git`,
    );

    // Byte for byte: only the secrets (and the sections named by one) are gone.
    expect(await readFile(files.local, "utf8")).toBe(
      before.local
        .replace(`alice:${CANARY.classic}@`, "alice@")
        .replace(`https://${CANARY.fineGrained}@`, "https://")
        .replace(`https://${CANARY.hex40}@`, "https://")
        .replace(`x-access-token:${CANARY.classic}@`, "x-access-token@")
        .replace(`carol:${CANARY.plain}@`, "carol@"),
    );
    expect(await readFile(files.submodule, "utf8")).toBe(before.submodule.replace(`:${CANARY.plain}@`, "@"));
    expect(await readFile(files.global, "utf8")).toBe(
      before.global.replace(
        `[url "https://${CANARY.classic2}@${HOST}/"]\n\tinsteadOf = https://${HOST}/\n\tpushInsteadOf = ssh://${HOST}/\n`,
        "",
      ),
    );

    // Idempotent: a second run finds nothing to fix and changes nothing.
    const after = {
      local: await readFile(files.local, "utf8"),
      global: await readFile(files.global, "utf8"),
      submodule: await readFile(files.submodule, "utf8"),
    };
    const again = await doctor(["--fix"]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("fixes\n");
    expect({
      local: await readFile(files.local, "utf8"),
      global: await readFile(files.global, "utf8"),
      submodule: await readFile(files.submodule, "utf8"),
    }).toEqual(after);
  });

  it.each(["C.UTF-8", "C"])(
    "--fix takes out a password that is not ASCII, whatever the locale (%s)",
    async (locale) => {
      const secret = "pässwörd-😀-non-ascii";
      await git(["remote", "add", "intl", `https://dana:${secret}@${HOST}/acme/intl.git`]);
      const wrapDir = join(sandbox.root, "wrap");
      const env = {
        ...sandbox.env,
        PATH: `${wrapDir}:${sandbox.env.PATH ?? ""}`,
        LANG: locale,
        LC_ALL: locale,
      };
      const fixed = await runArtifact(artifact, ["doctor", "--fix"], { env, cwd: repo, timeoutMs: 30_000 });
      expect(fixed.stdout.toString()).not.toContain(secret);
      expect((await git(["config", "remote.intl.url"])).trim()).toBe(`https://dana@${HOST}/acme/intl.git`);
      expect(await readLog("git-argv.log")).not.toContain(secret);
    },
  );
});

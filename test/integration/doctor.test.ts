// `doctor` for real: the built artifacts in sandbox repositories with remotes in every SSH form,
// a submodule, URL rewrites and a plaintext helper, checked through the report, --json, --fix
// (the result read back with `git remote -v`) and the exit status.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../src/accounts/account.js";
import { fingerprint, Secret } from "../../src/secret.js";
import { type Artifact, artifacts, describeKeyring, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const GHES = "ghe.acme.test";
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

describe.each(artifacts())("doctor → $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  let repo: string;

  const git = async (args: string[], cwd = repo) => {
    const result = await sandbox.git(args, { cwd, env: IDENTITY });
    if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
    return result.stdout;
  };

  /** Runs doctor in `cwd` with GH_TOKEN set (a token for github.com from the environment). */
  const doctor = async (args: string[], cwd = repo, env: Record<string, string> = {}) => {
    const result = await runArtifact(artifact, ["doctor", ...args], {
      env: { ...sandbox.env, GH_TOKEN: CANARY.classic, ...env },
      cwd,
      timeoutMs: 30_000,
    });
    const stdout = result.stdout.toString("utf8");
    recordOutput("doctor stdout", stdout);
    recordOutput("doctor stderr", result.stderr);
    return { code: result.code, stdout, stderr: result.stderr };
  };
  const doctorJson = async (args: string[] = [], cwd = repo) => {
    const result = await doctor(["--json", ...args], cwd);
    return { ...result, rows: JSON.parse(result.stdout) as Row[] };
  };
  const rowsIn = (rows: Row[], area: string) => rows.filter((row) => row.area === area);

  beforeEach(async () => {
    sandbox = await createSandbox();
    // The file store, so no keyring is needed; bob's GHES token is in it, alice's comes from GH_TOKEN.
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
    await git(["config", "--global", "credential.helper", artifact.helperCommand], sandbox.root);
    repo = join(sandbox.root, "repo");
    await git(["init", "--quiet", "--initial-branch=main", repo], sandbox.root);
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const SSH_FOR_TOKEN_HOSTS: Array<[string, string, string]> = [
    ["scp", "git@github.com:acme/scp.git", "https://github.com/acme/scp.git"],
    ["sshuser", "ssh://git@github.com/acme/ssh-user.git", "https://github.com/acme/ssh-user.git"],
    ["sshnouser", "ssh://github.com/acme/ssh-nouser", "https://github.com/acme/ssh-nouser"],
    ["gitssh", "git+ssh://git@github.com/acme/git-ssh.git", "https://github.com/acme/git-ssh.git"],
    ["over443", "ssh://git@ssh.github.com:443/acme/over-443.git", "https://github.com/acme/over-443.git"],
    ["ghes", `ssh://git@${GHES}:2222/acme/ghes-port.git`, `https://${GHES}/acme/ghes-port.git`],
    ["ghesscp", `git@${GHES}:acme/ghes-scp.git`, `https://${GHES}/acme/ghes-scp.git`],
  ];
  const LEFT_ALONE: Array<[string, string]> = [
    ["gitlab", "git@gitlab.com:acme/other.git"],
    ["bitbucket", "ssh://git@bitbucket.org:22/acme/other.git"],
    ["https", "https://github.com/acme/https.git"],
    ["disk", "/srv/git/local.git"],
    ["file", "file:///srv/git/local.git"],
  ];

  async function addRemotes() {
    for (const [name, url] of [...SSH_FOR_TOKEN_HOSTS, ...LEFT_ALONE])
      await git(["remote", "add", name, url]);
  }

  it("finds SSH remotes in every form for hosts with a token, leaves the others alone, exits 1", async () => {
    await addRemotes();
    const { code, rows, stderr } = await doctorJson();
    expect(stderr).toBe("");
    expect(code).toBe(1);
    for (const row of rows) {
      expect(["area", "status", "message", "fix"]).toEqual(expect.arrayContaining(Object.keys(row)));
      expect(["ok", "warn", "fail"]).toContain(row.status);
    }
    const remotes = rowsIn(rows, "remotes");
    for (const [name, url, https] of SSH_FOR_TOKEN_HOSTS) {
      expect(remotes).toContainEqual({
        area: "remotes",
        status: "fail",
        message: expect.stringMatching(new RegExp(`^${name}: ${url.replace(/[.+]/g, "\\$&")} uses SSH`)),
        fix: `git remote set-url ${name} ${https}`,
      });
    }
    for (const [name, url] of LEFT_ALONE) {
      expect(remotes).toContainEqual({
        area: "remotes",
        status: "ok",
        message: expect.stringContaining(`${name}: ${url} (`),
      });
    }
    expect(remotes.filter((row) => row.status === "fail")).toHaveLength(SSH_FOR_TOKEN_HOSTS.length);
  });

  it("--fix switches exactly those remotes to HTTPS, as `git remote -v` shows", async () => {
    await addRemotes();
    await git(["remote", "set-url", "--push", "https", "git@github.com:acme/https.git"]);
    const { code, stdout } = await doctor(["--fix"]);
    expect(stdout).toContain("fixes\n  ok   ran: git remote set-url scp https://github.com/acme/scp.git\n");
    expect(stdout).toContain(
      "  ok   ran: git remote set-url --push https https://github.com/acme/https.git\n",
    );
    expect(code).toBe(0);
    const lines = (await git(["remote", "-v"])).trim().split("\n");
    const want = [
      ...SSH_FOR_TOKEN_HOSTS.map(([name, , https]) => [name, https, https] as const),
      ...LEFT_ALONE.map(([name, url]) => [name, url, url] as const),
    ].flatMap(([name, fetch, push]) => [`${name}\t${fetch} (fetch)`, `${name}\t${push} (push)`]);
    expect(lines.sort()).toEqual(want.sort());
  });

  it("checks a submodule's SSH remote and fixes it there", async () => {
    const lib = join(sandbox.root, "lib");
    await git(["init", "--quiet", "--initial-branch=main", lib], sandbox.root);
    await git(["commit", "--quiet", "--allow-empty", "-m", "lib"], lib);
    await git(["remote", "add", "origin", "https://github.com/acme/app.git"]);
    await git(["-c", "protocol.file.allow=always", "submodule", "add", "--quiet", lib, "libs/ui"]);
    await git(["-C", "libs/ui", "remote", "set-url", "origin", "git@github.com:acme/ui.git"]);
    await git(["config", "--file", ".gitmodules", "submodule.libs/ui.url", "git@github.com:acme/ui.git"]);

    const { code, rows } = await doctorJson([], join(repo, "libs"));
    expect(code).toBe(1);
    expect(rowsIn(rows, "remotes")).toEqual([
      {
        area: "remotes",
        status: "ok",
        message: "origin: https://github.com/acme/app.git (HTTPS; token for github.com)",
      },
      {
        area: "remotes",
        status: "fail",
        message: expect.stringContaining("ui: origin: git@github.com:acme/ui.git uses SSH"),
        fix: "git -C ui remote set-url origin https://github.com/acme/ui.git",
      },
      {
        area: "remotes",
        status: "warn",
        message: expect.stringContaining(".gitmodules: submodule libs/ui uses git@github.com:acme/ui.git"),
        fix: `git config --file ${join(repo, ".gitmodules")} submodule.libs/ui.url https://github.com/acme/ui.git && git submodule sync --recursive`,
      },
    ]);

    const fixed = await doctor(["--fix"], join(repo, "libs"));
    expect(fixed.code).toBe(0);
    expect((await git(["-C", "libs/ui", "remote", "get-url", "origin"])).trim()).toBe(
      "https://github.com/acme/ui.git",
    );
    // .gitmodules is shared with everyone who clones: doctor only advises.
    expect((await git(["config", "--file", ".gitmodules", "submodule.libs/ui.url"])).trim()).toBe(
      "git@github.com:acme/ui.git",
    );
  });

  it("fails on an insteadOf that turns github.com's HTTPS into SSH, and --fix removes it from the right file", async () => {
    await git(["remote", "add", "origin", "https://github.com/acme/app.git"]);
    await git(["config", "--global", "url.git@github.com:.insteadOf", "https://github.com/"]);
    await git(["config", "--global", "url.git@gitlab.com:.insteadOf", "https://gitlab.com/"]);
    const { code, rows } = await doctorJson();
    expect(code).toBe(1);
    expect(rowsIn(rows, "url rewrites")).toEqual([
      {
        area: "url rewrites",
        status: "fail",
        message: `url.git@github.com:.insteadOf=https://github.com/ (global, ${join(sandbox.root, "gitconfig")}) turns every https://github.com/… into SSH, where the token does not work`,
        fix: "git config --global --unset url.git@github.com:.insteadOf",
      },
    ]);
    expect(rowsIn(rows, "remotes")).toContainEqual(
      expect.objectContaining({
        status: "fail",
        message: expect.stringContaining(
          "origin: https://github.com/acme/app.git is turned into git@github.com:acme/app.git",
        ),
      }),
    );

    expect((await doctor(["--fix"])).code).toBe(0);
    const left = await sandbox.git(["config", "--global", "--get-regexp", "^url\\."]);
    expect(left.stdout).toBe("url.git@gitlab.com:.insteadof https://gitlab.com/\n");
  });

  it("fails when a global credential.helper=store would also keep the token in plaintext", async () => {
    await git(["config", "--global", "--add", "credential.helper", "store"], sandbox.root);
    const { code, rows } = await doctorJson();
    expect(code).toBe(1);
    expect(rowsIn(rows, "credential helpers")).toContainEqual({
      area: "credential helpers",
      status: "fail",
      message: `credential.helper=store (global, ${join(sandbox.root, "gitconfig")}) also receives the token for github.com and writes it in plaintext to a file (git credential-store)`,
      fix: "git-credential-pat setup",
    });
  });

  it("outside a repository says so and passes: plain markers, a summary, exit 0", async () => {
    const { code, stdout, stderr } = await doctor([], sandbox.home);
    expect(stderr).toBe("");
    expect(stdout).toContain("remotes\n  ok   not inside a git repository; no remotes to check\n");
    expect(stdout).toContain(`  ok   git asks only git-credential-pat for https://${GHES}`);
    expect(stdout).toContain("  ok   GH_TOKEN serves github.com (from the environment)\n");
    expect(stdout).not.toMatch(/[✓✗]/);
    expect(stdout).not.toContain("\u001b[");
    expect(stdout).toMatch(/\n0 failed, \d+ warnings?, \d+ ok\n$/);
    expect(stdout).not.toContain(CANARY.classic);
    expect(code).toBe(0);
  });

  it("fails an account whose token is missing from the file store, and a directory open to others", async () => {
    await writeFile(join(sandbox.home, ".local/share/git-credential-pat/credentials"), "", { mode: 0o600 });
    const configDir = join(sandbox.home, ".config/git-credential-pat");
    await chmod(configDir, 0o755);
    const { code, rows } = await doctorJson([], sandbox.home);
    expect(code).toBe(1);
    expect(rows).toContainEqual({
      area: "tokens",
      status: "fail",
      message: `bob@${GHES}: no token in the file store`,
      fix: `git-credential-pat login --host ${GHES} --user bob`,
    });
    expect(rows).toContainEqual({
      area: "files",
      status: "fail",
      message: `config dir ${configDir} is open to other users (mode 0755); git-credential-pat refuses to use it`,
      fix: `chmod 700 ${configDir}`,
    });
  });
});

describeKeyring("doctor with the keychain store", () => {
  const [artifact] = artifacts();
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await createSandbox({
      extraEnv: { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS },
    });
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  it("finds the keychain reachable and unlocked", async () => {
    if (artifact === undefined) throw new Error("no artifact");
    await sandbox.git(["config", "--global", "credential.helper", artifact.helperCommand]);
    const result = await runArtifact(artifact, ["doctor", "--json"], {
      env: { ...sandbox.env, GH_TOKEN: CANARY.classic },
      cwd: sandbox.home,
      timeoutMs: 30_000,
    });
    recordOutput("doctor stdout", result.stdout.toString("utf8"));
    recordOutput("doctor stderr", result.stderr);
    const rows = JSON.parse(result.stdout.toString("utf8")) as Row[];
    expect(rows).toContainEqual({
      area: "store",
      status: "ok",
      message: 'store "keychain": the OS keychain (chosen by default)',
    });
    expect(rows).toContainEqual({
      area: "store",
      status: "ok",
      message: expect.stringMatching(
        /^the keychain answers and is unlocked \(\d+ items? of git-credential-pat\)$/,
      ),
    });
    expect(result.code).toBe(0);
  });
});

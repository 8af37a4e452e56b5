// runDoctor against memfs, the in-memory keyring and a scripted git (answers by argv, records
// what it was asked to change): the report, --json, --fix, exit codes, and no token in output.
import { describe, expect, it } from "vitest";
import { account } from "../../../test/helpers/account-fixture.js";
import { CANARY } from "../../../test/helpers/canary.js";
import { recordOutput } from "../../../test/helpers/canary-guard.js";
import { makeTestDeps, type TestDeps } from "../../../test/helpers/test-deps.js";
import type { Account } from "../../accounts/account.js";
import type { ConfigEntry } from "../../git/inspect-config.js";
import type { Deps, SpawnResult } from "../../platform/deps.js";
import { fingerprint, Secret } from "../../secret.js";
import { runDoctor, toDoctorOptions } from "./doctor.js";

const GLOBAL = "/home/user/.gitconfig";
const CONFIG_DIR = "/home/user/.config/git-credential-pat";

interface FakeGit {
  version: string;
  repo: boolean;
  /** Config entries git would list, in order (global and local together). */
  config: ConfigEntry[];
  /** argv of every command that changed something. */
  changes: string[][];
}

const ok = (stdout = ""): SpawnResult => ({ code: 0, stdout, stderr: "" });

/** A git that answers doctor's questions from `state` and applies set-url / --unset to it. */
function fakeGit(state: FakeGit): Deps["spawn"] {
  return async (_file, args, options) => {
    const argv = [...args];
    const key = argv.join(" ");
    if (key === "version") return ok(`git version ${state.version}\n`);
    if (key === "rev-parse --absolute-git-dir --is-bare-repository") {
      return state.repo
        ? ok("/work/app/.git\nfalse\n")
        : {
            code: 128,
            stdout: "",
            stderr: "fatal: not a git repository (or any of the parent directories): .git\n",
          };
    }
    if (key === "rev-parse --show-toplevel") return ok("/work/app\n");
    if (argv[0] === "config" && argv.includes("--get-regexp") && !argv.includes("--file")) {
      const regex = new RegExp(argv.at(-1) as string);
      const entries = state.config.filter(
        (entry) => regex.test(entry.key) && (state.repo || entry.scope !== "local"),
      );
      if (entries.length === 0) return { code: 1, stdout: "", stderr: "" };
      return ok(
        entries
          .map((e) => `${e.scope}\0${e.origin}\0${e.key}${e.value === undefined ? "" : `\n${e.value}`}\0`)
          .join(""),
      );
    }
    if (key.startsWith("config --file - --get-urlmatch credential ")) {
      const target = argv.at(-1) as string;
      const lines = (options.input ?? "").split("\n");
      const out = lines.flatMap((line, index) => {
        const url = /^\[credential "(.*)"\]$/.exec(line)?.[1];
        const probe = /^\t(probe\d+) = 1$/.exec(lines[index + 1] ?? "")?.[1];
        return url === target && probe ? [`credential.${probe} 1\n`] : [];
      });
      return out.length === 0 ? { code: 1, stdout: "", stderr: "" } : ok(out.join(""));
    }
    if (argv[0] === "submodule") return ok("");
    if (argv[0] === "config" && argv.includes("/work/app/.gitmodules"))
      return { code: 1, stdout: "", stderr: "" };
    if (key === "credential-pat --version") return ok("0.1.0\n");
    if (argv[0] === "remote" && argv[1] === "set-url") {
      state.changes.push(argv);
      const push = argv[2] === "--push";
      const [name, url] = argv.slice(push ? 3 : 2);
      const entry = state.config.find((e) => e.key === `remote.${name}.${push ? "pushurl" : "url"}`);
      if (entry) entry.value = url;
      return ok();
    }
    if (argv[0] === "config" && argv[1] === "--file" && argv[3] === "--unset") {
      state.changes.push(argv);
      state.config = state.config.filter(
        (e) => !(e.origin === `file:${argv[2]}` && e.key.toLowerCase() === argv[4]?.toLowerCase()),
      );
      return ok();
    }
    throw new Error(`unexpected git ${key}`);
  };
}

const globalEntry = (key: string, value: string): ConfigEntry => ({
  scope: "global",
  origin: `file:${GLOBAL}`,
  key,
  value,
});
const localEntry = (key: string, value: string): ConfigEntry => ({
  scope: "local",
  origin: "file:.git/config",
  key,
  value,
});
const PAT_HELPER = [
  globalEntry("credential.https://github.com.helper", ""),
  globalEntry("credential.https://github.com.helper", "pat --store=file"),
];

interface Setup {
  git?: Partial<FakeGit>;
  env?: Record<string, string>;
  accounts?: Account[];
  /** Lines of the file store (https://user:token@host). */
  credentials?: string;
  configDirMode?: number;
  tty?: boolean;
}

function setup(options: Setup = {}) {
  const state: FakeGit = {
    version: "2.43.0",
    repo: false,
    config: [...PAT_HELPER],
    changes: [],
    ...options.git,
  };
  const deps = makeTestDeps({ spawn: fakeGit(state), env: { GIT_CONFIG_GLOBAL: GLOBAL, ...options.env } });
  deps.vol.mkdirSync(CONFIG_DIR, { recursive: true, mode: options.configDirMode ?? 0o700 });
  deps.vol.chmodSync(CONFIG_DIR, options.configDirMode ?? 0o700);
  if (options.accounts) {
    deps.vol.writeFileSync(
      `${CONFIG_DIR}/accounts.json`,
      JSON.stringify({ version: 1, accounts: options.accounts }),
      {
        mode: 0o600,
      },
    );
  }
  if (options.credentials !== undefined) {
    deps.vol.mkdirSync("/home/user/.local/share/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync("/home/user/.local/share/git-credential-pat/credentials", options.credentials, {
      mode: 0o600,
    });
  }
  if (options.tty) (deps.io as { isStdoutTTY: boolean }).isStdoutTTY = true;
  return { deps, state };
}

async function doctor(deps: TestDeps, argv: Parameters<typeof toDoctorOptions>[0] = {}) {
  let exitCode = 0;
  await runDoctor(toDoctorOptions(argv), deps).catch((error: { exitCode?: number }) => {
    exitCode = error.exitCode ?? -1;
  });
  recordOutput("doctor stdout", deps.stdout());
  return { exitCode, out: deps.stdout() };
}

const alice = (extra: Partial<Account> = {}) =>
  account("github.com", "alice", {
    store: "file",
    isDefault: true,
    scopes: ["repo"],
    fingerprint: fingerprint(new Secret(CANARY.classic)),
    ...extra,
  });

describe("toDoctorOptions", () => {
  it.each([
    { argv: {}, want: { fix: false, json: false } },
    { argv: { fix: true }, want: { fix: true, json: false } },
    { argv: { json: true }, want: { fix: false, json: true } },
  ])("$argv", ({ argv, want }) => {
    expect(toDoctorOptions(argv)).toEqual(want);
  });
});

describe("runDoctor", () => {
  it("passes a healthy setup outside a repository, and says the remote check has nothing to do", async () => {
    const { deps } = setup({
      accounts: [alice()],
      credentials: `https://alice:${CANARY.classic}@github.com\n`,
    });
    const { exitCode, out } = await doctor(deps);
    expect(exitCode).toBe(0);
    expect(out).toContain("ok   not inside a git repository; no remotes to check\n");
    expect(out).toContain("ok   git asks only git-credential-pat for https://github.com");
    expect(out).toContain("ok   alice@github.com: classic token, expires never, scopes repo\n");
    expect(out).toMatch(/\n0 failed, 0 warnings, \d+ ok\n$/);
    expect(out).not.toContain(CANARY.classic);
  });

  it.each([
    { env: {} as Record<string, string>, want: "warn" },
    // 0 turns the warning off, as for git's get and list.
    { env: { GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS: "0" }, want: "ok  " },
  ])(
    "judges a token 3 days from expiry by GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS ($env)",
    async ({ env, want }) => {
      const { deps } = setup({
        env,
        accounts: [alice({ expiresAtMs: Date.UTC(2026, 10, 25, 12) })],
        credentials: `https://alice:${CANARY.classic}@github.com\n`,
      });
      const { out } = await doctor(deps);
      expect(out).toMatch(new RegExp(`^  ${want} alice@github\\.com: `, "m"));
    },
  );

  it("prints --json as an array of {area, status, message, fix?} and never a token", async () => {
    const { deps } = setup({
      git: {
        repo: true,
        config: [...PAT_HELPER, localEntry("remote.origin.url", "git@github.com:acme/app.git")],
      },
      env: { GH_TOKEN: CANARY.classic },
    });
    const { exitCode, out } = await doctor(deps, { json: true });
    expect(exitCode).toBe(1);
    const rows = JSON.parse(out) as Array<Record<string, unknown>>;
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(expect.arrayContaining(["area", "message", "status"]));
      expect(Object.keys(row).every((k) => ["area", "status", "message", "fix"].includes(k))).toBe(true);
    }
    expect(rows).toContainEqual({
      area: "remotes",
      status: "fail",
      message:
        "origin: git@github.com:acme/app.git uses SSH, so git never asks for the token for github.com (tokens only work over HTTPS)",
      fix: "git remote set-url origin https://github.com/acme/app.git",
    });
    expect(rows).toContainEqual({
      area: "tokens",
      status: "ok",
      message: "GH_TOKEN serves github.com (from the environment)",
    });
    expect(out).not.toContain(CANARY.classic);
  });

  it("exits 0 with warnings only", async () => {
    const { deps } = setup({ git: { version: "2.39.5" }, env: { GH_TOKEN: CANARY.classic } });
    const { exitCode, out } = await doctor(deps);
    expect(exitCode).toBe(0);
    expect(out).toContain("warn git 2.39.5 ignores password_expiry_utc");
    expect(out).toMatch(/\n0 failed, 1 warning, \d+ ok\n$/);
  });

  it("uses ✓ ! ✗ marks and colour only on a terminal", async () => {
    const { deps } = setup({
      tty: true,
      git: {
        version: "2.39.5",
        repo: true,
        config: [...PAT_HELPER, localEntry("remote.origin.url", "git@github.com:a/b.git")],
      },
      env: { GH_TOKEN: CANARY.classic },
    });
    const { out } = await doctor(deps);
    expect(out).toContain("\u001b[32m✓\u001b[0m ");
    expect(out).toContain("\u001b[33m!\u001b[0m git 2.39.5");
    expect(out).toContain("\u001b[31m✗\u001b[0m origin:");
    expect(out).not.toMatch(/^ {2}(ok|warn|fail) /m);
  });

  it("--fix switches SSH remotes, removes the rewrite rule, makes our directory private, then checks again", async () => {
    const { deps, state } = setup({
      configDirMode: 0o755,
      env: { GH_TOKEN: CANARY.classic },
      git: {
        repo: true,
        config: [
          ...PAT_HELPER,
          globalEntry("url.git@github.com:.insteadof", "https://github.com/"),
          localEntry("remote.origin.url", "git@github.com:acme/app.git"),
          localEntry("remote.origin.pushurl", "ssh://git@ssh.github.com:443/acme/app.git"),
          localEntry("remote.upstream.url", "git@gitlab.com:acme/app.git"),
        ],
      },
    });
    const { exitCode, out } = await doctor(deps, { fix: true });
    expect(state.changes).toEqual([
      ["config", "--file", GLOBAL, "--unset", "url.git@github.com:.insteadOf"],
      ["remote", "set-url", "origin", "https://github.com/acme/app.git"],
      ["remote", "set-url", "--push", "origin", "https://github.com/acme/app.git"],
    ]);
    expect(deps.vol.statSync(CONFIG_DIR).mode & 0o777).toBe(0o700);
    expect(out).toContain("fixes\n  ok   ran: git config --global --unset url.git@github.com:.insteadOf\n");
    expect(out).toContain(`  ok   ran: chmod 700 ${CONFIG_DIR}\n`);
    expect(out).toContain("ok   origin: https://github.com/acme/app.git (HTTPS; token for github.com)");
    expect(out).toContain(
      "ok   upstream: git@gitlab.com:acme/app.git (SSH; no token for gitlab.com, left alone)",
    );
    expect(exitCode).toBe(0);
  });

  it("without --fix changes nothing and shows which fixes --fix would run", async () => {
    const { deps, state } = setup({
      configDirMode: 0o755,
      env: { GH_TOKEN: CANARY.classic },
      git: { repo: true, config: [...PAT_HELPER, localEntry("remote.origin.url", "git@github.com:a/b.git")] },
    });
    const { exitCode, out } = await doctor(deps);
    expect(exitCode).toBe(1);
    expect(state.changes).toEqual([]);
    expect(deps.vol.statSync(CONFIG_DIR).mode & 0o777).toBe(0o755);
    expect(out).toContain("fix (--fix): git remote set-url origin https://github.com/a/b.git\n");
    expect(out).toContain(`fix (--fix): chmod 700 ${CONFIG_DIR}\n`);
    expect(out).toContain('run "git-credential-pat doctor --fix" to apply the fixes marked (--fix)\n');
  });

  it("shows no secret of a helper someone wrote inline", async () => {
    const { deps } = setup({
      git: {
        config: [
          globalEntry("credential.helper", `!f() { echo password=${CANARY.plain}; }; f`),
          globalEntry(
            "credential.https://github.com.helper",
            "!echo password=0123456789abcdef0123456789abcdef01234567",
          ),
        ],
      },
      env: { GH_TOKEN: CANARY.classic },
    });
    const { out } = await doctor(deps);
    expect(out).not.toContain(CANARY.plain);
    expect(out).not.toContain("0123456789abcdef0123456789abcdef01234567");
    expect(out).toContain("password=***");
  });

  it("fails when the helper is missing from git's config", async () => {
    const { deps } = setup({
      git: { config: [globalEntry("credential.helper", "store")] },
      env: { GH_TOKEN: CANARY.classic },
    });
    const { exitCode, out } = await doctor(deps);
    expect(exitCode).toBe(1);
    expect(out).toContain(
      'fail git does not ask git-credential-pat for https://github.com (it asks "store")\n',
    );
    expect(out).toContain("fix: git-credential-pat setup\n");
  });

  describe("with the keychain store", () => {
    const keychainHelper = [
      globalEntry("credential.https://github.com.helper", ""),
      globalEntry("credential.https://github.com.helper", "pat"),
    ];
    const keychainAlice = alice({ store: "keychain" });

    it("reports a reachable keychain and finds the account's token there", async () => {
      const { deps } = setup({ git: { config: keychainHelper }, accounts: [keychainAlice] });
      await deps.keyringImpl.set("git-credential-pat", "https://alice@github.com", CANARY.classic);
      const { exitCode, out } = await doctor(deps);
      expect(out).toContain("ok   the keychain answers and is unlocked (1 item of git-credential-pat)\n");
      expect(out).toContain("ok   alice@github.com: classic token");
      expect(exitCode).toBe(0);
    });

    it("reads the token from an item that also keeps its expiry, as git ≥ 2.41's store leaves it", async () => {
      const { deps } = setup({ git: { config: keychainHelper }, accounts: [keychainAlice] });
      await deps.keyringImpl.set(
        "git-credential-pat",
        "https://alice@github.com",
        `${CANARY.classic}\npassword_expiry_utc=1893456000`,
      );
      const { exitCode, out } = await doctor(deps);
      expect(out).toContain("ok   alice@github.com: classic token");
      expect(out).not.toContain("not the one last checked");
      expect(exitCode).toBe(0);
    });

    it("fails an account whose token is not in the keychain", async () => {
      const { deps } = setup({ git: { config: keychainHelper }, accounts: [keychainAlice] });
      const { exitCode, out } = await doctor(deps);
      expect(out).toContain("fail alice@github.com: no token in the keychain store\n");
      expect(exitCode).toBe(1);
    });

    it("warns when the stored token is not the one the metadata describes", async () => {
      const { deps } = setup({ git: { config: keychainHelper }, accounts: [keychainAlice] });
      await deps.keyringImpl.set("git-credential-pat", "https://alice@github.com", CANARY.classic2);
      const { out } = await doctor(deps);
      expect(out).toContain("warn alice@github.com: the stored token is not the one last checked\n");
    });

    it("fails an unreachable keychain with its message and the fallback", async () => {
      const { deps } = setup({ git: { config: keychainHelper }, accounts: [keychainAlice] });
      deps.keyringImpl.unavailable = true;
      const { exitCode, out } = await doctor(deps);
      expect(out).toContain("fail no Secret Service is available (test keyring)\n");
      expect(exitCode).toBe(1);
    });

    it("does not touch the keychain when nothing uses it", async () => {
      const { deps } = setup({ env: { GH_TOKEN: CANARY.classic } });
      deps.keyringImpl.unavailable = true;
      const { exitCode, out } = await doctor(deps);
      expect(out).not.toContain("Secret Service");
      expect(exitCode).toBe(0);
    });
  });

  it("fails when git is not installed", async () => {
    const { deps } = setup({ env: { GH_TOKEN: CANARY.classic } });
    const spawn: Deps["spawn"] = async () => ({ code: 127, stdout: "", stderr: "spawn git ENOENT" });
    const { exitCode, out } = await doctor({ ...deps, spawn } as TestDeps);
    expect(out).toContain(
      "git\n  fail git was not found on PATH\n       fix: install git, then run this again\n",
    );
    expect(exitCode).toBe(1);
  });
});

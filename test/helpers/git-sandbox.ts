// A throwaway HOME + git config + environment for running the REAL git binary in tests.
//
// Why an allow-list instead of copying process.env: developer machines and CI export variables that
// silently change git's behaviour (GIT_SSL_CAINFO overrides http.sslCAInfo, GIT_TRACE*, GH_TOKEN, proxies,
// a DBus session that would reach the real keychain). Tests must only see what they ask for.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shortLabel } from "./artifacts.js";
import {
  assertNoCanaries,
  noteStoreFile,
  recordOutput,
  recordStdout,
  scanTree,
  unwatchTree,
  watchTree,
} from "./canary-guard.js";

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  /** Written to git's stdin; stdin is always closed so git never waits on it. */
  input?: string;
  cwd?: string;
  /** Merged over `sandbox.env` for this call only. */
  env?: Record<string, string>;
  /** Default 30 000 ms. On expiry the whole process group is killed and code is 124. */
  timeoutMs?: number;
}

export interface SandboxOptions {
  /** Added to the env verbatim (undefined values are skipped), e.g. { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }. */
  extraEnv?: Record<string, string | undefined>;
}

export interface Sandbox {
  root: string;
  home: string;
  /** Complete environment for child processes; mutable (useAnsweringAskpass edits it). */
  env: Record<string, string>;
  git(args: string[], opts?: GitRunOptions): Promise<GitResult>;
  /** Prompts any askpass received, one per line, in order. Empty means git never tried to prompt. */
  askpassLog(): string[];
  /** Switch GIT_ASKPASS/SSH_ASKPASS to a script that answers Username/Password prompts. */
  useAnsweringAskpass(username: string, password: string): Promise<void>;
  /** `git config --global http.sslCAInfo <caFile>`: the sandbox's way to trust a test server's cert. */
  trustCa(caFile: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Inherited from the parent only if set; everything else is synthesized. */
const INHERITED = ["PATH", "LANG", "TERM"] as const;

/** Exit code reported when timeoutMs fires (same convention as timeout(1)). */
export const TIMEOUT_EXIT_CODE = 124;

/** After git exits, how long to keep reading its pipes: a grandchild (e.g. a cache daemon) may hold them open. */
const PIPE_GRACE_MS = 500;

// Both scripts locate the sandbox from their own path, so no path needs shell quoting.
const FAILING_ASKPASS = `#!/bin/sh
# Record the prompt so tests can assert git never (or did) try to prompt, then refuse.
printf '%s\\n' "$1" >> "$(dirname "$0")/../askpass.log"
exit 1
`;

// Secrets come from 0600 files, never from env or argv (both are visible in /proc to other users).
const ANSWERING_ASKPASS = `#!/bin/sh
dir="$(dirname "$0")/.."
printf '%s\\n' "$1" >> "$dir/askpass.log"
case "$1" in
  Username*) cat "$dir/secrets/askpass-username" ;;
  Password*) cat "$dir/secrets/askpass-password" ;;
  *) exit 1 ;;
esac
`;

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "gcp-sandbox-"));
  const home = join(root, "home");
  const bin = join(root, "bin");
  const secrets = join(root, "secrets");
  const runtime = join(root, "run");
  const gitconfig = join(root, "gitconfig");
  const askpassLogFile = join(root, "askpass.log");
  const failingAskpass = join(bin, "askpass-fail");
  const answeringAskpass = join(bin, "askpass-answer");

  for (const dir of [home, bin, join(home, ".config"), join(home, ".local/share"), join(home, ".cache")]) {
    await mkdir(dir, { recursive: true });
  }
  // XDG_RUNTIME_DIR must be private per the XDG spec; some libraries refuse it otherwise.
  await mkdir(runtime, { mode: 0o700 });
  await mkdir(secrets, { mode: 0o700 });
  await writeFile(gitconfig, "");
  await writeFile(askpassLogFile, "");
  await writeFile(failingAskpass, FAILING_ASKPASS, { mode: 0o755 });

  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    // Pin the message catalogue so tests can match git's English error text whatever LANG says.
    LC_ALL: "C",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_RUNTIME_DIR: runtime,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: failingAskpass,
    SSH_ASKPASS: failingAskpass,
    // No background learning after a store: a token stored for github.com would make the learner
    // ask the real api.github.com. The tests of learning turn it on, with a fake API.
    GIT_CREDENTIAL_PAT_LEARN: "0",
  });
  for (const [name, value] of Object.entries(options.extraEnv ?? {})) {
    if (value !== undefined) env[name] = value;
  }

  const git = async (args: string[], opts: GitRunOptions = {}): Promise<GitResult> => {
    const runEnv = { ...env, ...opts.env };
    noteStoreFile(runEnv);
    const result = await runGit(args, { ...opts, cwd: opts.cwd ?? root, env: runEnv });
    // Suite-wide canary guard: git's stdout (minus a `fill` answer's password line) and stderr.
    const label = `git ${shortLabel(args)}`;
    recordStdout(`${label}: stdout`, args, result.stdout);
    recordOutput(`${label}: stderr`, result.stderr);
    return result;
  };
  // After each test (and at cleanup) every file in the sandbox but the store is read for canaries.
  const tree = { isExempt: (path: string) => isStoreFile(path, root, env) };
  watchTree(root, tree);

  return {
    root,
    home,
    env,
    git,
    askpassLog: () =>
      readFileSync(askpassLogFile, "utf8")
        .split("\n")
        .filter((line) => line !== ""),
    async useAnsweringAskpass(username, password) {
      await writeFile(join(secrets, "askpass-username"), username, { mode: 0o600 });
      await writeFile(join(secrets, "askpass-password"), password, { mode: 0o600 });
      await writeFile(answeringAskpass, ANSWERING_ASKPASS, { mode: 0o755 });
      env.GIT_ASKPASS = answeringAskpass;
      env.SSH_ASKPASS = answeringAskpass;
    },
    async trustCa(caFile) {
      const result = await git(["config", "--global", "http.sslCAInfo", caFile]);
      if (result.code !== 0) throw new Error(`git config http.sslCAInfo failed: ${result.stderr}`);
    },
    cleanup: async () => {
      // A cache daemon started inside the sandbox would otherwise outlive the test for --timeout seconds.
      spawnSync("pkill", ["-f", `cache-daemon ${root}/`]);
      unwatchTree(root);
      const files = await scanTree(root, tree);
      await rm(root, { recursive: true, force: true });
      assertNoCanaries(files);
    },
  };
}

/**
 * The files in a sandbox that hold tokens by design, so the canary scan skips them (and only
 * them): the file store (default path, GIT_CREDENTIAL_PAT_FILE, config.json's "file"),
 * git credential-store's own files (~/.git-credentials, $XDG_CONFIG_HOME/git/credentials),
 * a keyring daemon's files ($XDG_DATA_HOME/keyrings, binary), and the answering askpass's
 * secrets (the test's input, 0600). Paths are read from the sandbox env at scan time.
 */
export function isStoreFile(
  path: string,
  root: string,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const home = env.HOME ?? join(root, "home");
  const configHome = env.XDG_CONFIG_HOME ?? join(home, ".config");
  const dataHome = env.XDG_DATA_HOME ?? join(home, ".local/share");
  const stores = [
    join(dataHome, "git-credential-pat", "credentials"),
    join(home, ".git-credentials"),
    join(configHome, "git", "credentials"),
    join(dataHome, "keyrings"),
    join(root, "secrets"),
  ];
  // The helper reads "~/" in these as the home directory (settings.ts checkUserPath).
  const expand = (value: string) =>
    value === "~" || value.startsWith("~/") ? join(home, value.slice(1)) : value;
  if (env.GIT_CREDENTIAL_PAT_FILE) stores.push(expand(env.GIT_CREDENTIAL_PAT_FILE));
  const configured = configuredStoreFile(
    env.GIT_CREDENTIAL_PAT_CONFIG_DIR
      ? expand(env.GIT_CREDENTIAL_PAT_CONFIG_DIR)
      : join(configHome, "git-credential-pat"),
  );
  if (configured !== undefined) stores.push(expand(configured));
  return stores.includes(path);
}

/** config.json's "file" (the file store's path), if it names one. */
function configuredStoreFile(configDir: string): string | undefined {
  try {
    const config: unknown = JSON.parse(readFileSync(join(configDir, "config.json"), "utf8"));
    const file = (config as { file?: unknown } | null)?.file;
    return typeof file === "string" ? file : undefined;
  } catch {
    return undefined;
  }
}

function runGit(
  args: string[],
  opts: GitRunOptions & { cwd: string; env: Record<string, string> },
): Promise<GitResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    // detached: own process group (so a timeout kills git-remote-https and helpers too) and own session
    // (no controlling terminal, so git cannot fall back to prompting on /dev/tty and hang).
    const child = spawn("git", args, { cwd: opts.cwd, env: opts.env, stdio: "pipe", detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on("error", () => {}); // git may exit before reading stdin (EPIPE); that is not a test failure.
    child.stdin.end(opts.input ?? "");

    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Group already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);

    let grace: NodeJS.Timeout | undefined;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      child.stdout.destroy();
      child.stderr.destroy();
      if (timedOut) {
        resolve({
          code: TIMEOUT_EXIT_CODE,
          stdout,
          stderr: `${stderr}\n[git-sandbox] killed after ${timeoutMs} ms`,
        });
      } else {
        resolve({ code: code ?? 128, stdout, stderr });
      }
    };
    child.on("exit", (code) => {
      grace = setTimeout(() => finish(code), PIPE_GRACE_MS);
    });
    child.on("close", (code) => finish(code));
    child.on("error", (err) => {
      stderr += `[git-sandbox] spawn failed: ${err.message}`;
      finish(127);
    });
  });
}

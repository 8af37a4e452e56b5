// The two built artifacts the integration and e2e tiers drive (dist/git-credential-pat, the bun
// binary, and dist/cli.cjs under node), or in the "linux-arm64 (qemu)" project the arm64 release
// binary under qemu-user instead; how git and tests run them, and the keychain switch:
// keychain suites run inside `npm test` (a private D-Bus session with gnome-keyring), skip
// elsewhere, and fail instead of skipping when CI=true.
import { spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { maskCanaries } from "./canary.js";
import { noteStoreFile, recordOutput, recordStdout } from "./canary-guard.js";
import { TEST_NODE_ENV } from "./node-lines.js";
import {
  ARM64_ARTIFACT,
  ARM64_BINARY_ENV,
  arm64BinaryPath,
  QEMU_BIN,
  QEMU_WRAPPER,
  qemuMissing,
  TEST_ARTIFACT_ENV,
} from "./qemu-arm64.js";

export const DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");

export interface Artifact {
  name: "binary" | "node" | typeof ARM64_ARTIFACT;
  /**
   * A `credential.helper` value that runs this artifact; append options with a space
   * (`${helperCommand} --store=file`). It starts with the absolute path, so git runs it as a
   * shell command followed by the action; words that need it are shell-quoted.
   */
  helperCommand: string;
  /** The same command as an argv for spawn: file first. */
  argv: string[];
  /**
   * How much longer than a native run a run may take, for tests that bound wall-clock time: 0,
   * or qemu's emulation (~0.7 s a start here, several times that on two busy cores).
   */
  slackMs: number;
  /**
   * What /proc/PID/exe shows for a process of this artifact, the cache daemon and the learner it
   * starts included: the binary, the node binary, or qemu (the kernel runs arm64 files through it).
   */
  processExe: string;
}

/**
 * Both artifacts; throws when `npm run build` has not been run. In a Node-line project
 * (vitest.config.ts) only the Node build, run by that line's node binary; in the qemu project
 * only the arm64 release binary (throws when it or qemu is missing).
 */
export function artifacts(): Artifact[] {
  if (process.env[TEST_ARTIFACT_ENV] === ARM64_ARTIFACT) return [arm64Artifact()];
  const binary = join(DIST_DIR, "git-credential-pat");
  const cli = join(DIST_DIR, "cli.cjs");
  const lineNode = process.env[TEST_NODE_ENV];
  if (lineNode && !existsSync(lineNode)) {
    throw new Error(`no node binary at ${lineNode}: run bash scripts/node-lines.sh`);
  }
  const missing = [...(lineNode ? [] : [binary]), cli].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(`missing build output ${missing.join(", ")}: run npm run build`);
  }
  const node = lineNode ?? process.execPath;
  const nodeBuild: Artifact = {
    name: "node",
    argv: [node, cli],
    helperCommand: helperCommandOf([node, cli]),
    slackMs: 0,
    processExe: realpathSync(node),
  };
  if (lineNode) return [nodeBuild];
  return [
    {
      name: "binary",
      argv: [binary],
      helperCommand: helperCommandOf([binary]),
      slackMs: 0,
      processExe: realpathSync(binary),
    },
    nodeBuild,
  ];
}

/** The linux-arm64 binary run through test/helpers/qemu-arm64.sh: by tests, git and itself. */
function arm64Artifact(): Artifact {
  const why = qemuMissing();
  if (why !== undefined) throw new Error(`cannot run the linux-arm64 binary: ${why}`);
  const binary = arm64BinaryPath();
  if (!existsSync(binary)) {
    throw new Error(`missing ${binary}: run npm run release (npm test does), or set ${ARM64_BINARY_ENV}`);
  }
  const argv = [QEMU_WRAPPER, binary];
  return {
    name: ARM64_ARTIFACT,
    argv,
    helperCommand: helperCommandOf(argv),
    slackMs: 5_000,
    processExe: realpathSync(`/usr/bin/${QEMU_BIN}`),
  };
}

/** git treats a helper starting with "/" as a shell command; one starting with a quote would not be. */
function helperCommandOf(argv: readonly string[]): string {
  const words = argv.map(shellQuote);
  return words[0]?.startsWith("/") ? words.join(" ") : `!${words.join(" ")}`;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export const CI_WITHOUT_KEYRING = "CI=true but no Secret Service: run the tests with npm test";

/** True inside `npm test`, which starts gnome-keyring on a private session bus. */
export function keyringAvailable(): boolean {
  return process.env.GIT_CREDENTIAL_PAT_TEST_KEYRING === "1" && Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
}

/**
 * `describe.skipIf(!keyringAvailable())`, except with CI=true: there a missing keyring is a
 * failing test, never a silent skip.
 */
export function describeKeyring(name: string, factory: () => void): void {
  if (keyringAvailable()) describe(name, factory);
  else if (process.env.CI === "true") {
    describe(name, () => {
      it("has a Secret Service to test against", () => {
        throw new Error(CI_WITHOUT_KEYRING);
      });
    });
  } else describe.skip(name, factory);
}

export type StoreKind = "file" | "keychain";
export const STORES: readonly StoreKind[] = ["file", "keychain"];

/** `describe` for the file store, `describeKeyring` for the keychain. */
export function describeStore(store: StoreKind): (name: string, factory: () => void) => void {
  return store === "keychain" ? describeKeyring : (name, factory) => describe(name, factory);
}

/** Extra sandbox env for a store: only keychain runs may reach the session bus. */
export function storeEnv(store: StoreKind): Record<string, string | undefined> {
  return store === "keychain" ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {};
}

export interface RunResult {
  /** Exit status; 124 when the timeout killed it, 128 + n for signal n. */
  code: number;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  input?: string | Uint8Array;
  env: Record<string, string>;
  /** Default 10 000 ms; then the whole process group is killed. */
  timeoutMs?: number;
  cwd?: string;
  /**
   * The command prints secrets on purpose because it reads the store itself (secret-tool
   * search): its stdout is not handed to the canary guard. Its stderr still is.
   */
  readsStore?: boolean;
}

/**
 * Runs a command with `input` on stdin. A child that stops reading early (EPIPE) is not an
 * error; a child that never exits is killed with its process group after the timeout.
 */
export function runCommand(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("runCommand: empty argv");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = performance.now();
  // Every output captured here goes to the suite-wide canary guard (canary-guard.ts).
  const label = shortLabel(argv);
  noteStoreFile(options.env);
  const guard = (result: RunResult): RunResult => {
    if (!options.readsStore) recordStdout(`${label}: stdout`, argv, result.stdout.toString("utf8"));
    recordOutput(`${label}: stderr`, result.stderr);
    return result;
  };
  return new Promise<RunResult>((resolve) => {
    const child = spawn(file, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: "pipe",
      // Own process group so a timeout also kills grandchildren (dbus-daemon, keyring helpers).
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on("error", () => {}); // EPIPE: the child stopped reading, which is its right.
    child.stdin.end(options.input ?? "");
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({
        code: 127,
        stdout: Buffer.concat(stdout),
        stderr: `${stderr}${error.message}`,
        timedOut,
        durationMs: performance.now() - started,
      });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : (code ?? 128 + (signal === "SIGKILL" ? 9 : 15)),
        stdout: Buffer.concat(stdout),
        stderr,
        timedOut,
        durationMs: performance.now() - started,
      });
    });
  }).then(guard);
}

/** A command's name for the guard's messages: basenames, canaries masked, at most 100 characters. */
export function shortLabel(argv: readonly string[]): string {
  const text = maskCanaries(argv.map((word) => word.replace(/^.*\//, "")).join(" "));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Runs an artifact (helper actions or CLI) directly, without git. */
export function runArtifact(
  artifact: Artifact,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  return runCommand([...artifact.argv, ...args], options);
}

/**
 * The `account` (secret-tool's `attribute.username`) of every keychain item with service
 * git-credential-pat. secret-tool also prints each secret: only attribute lines are read.
 */
export async function keychainAccounts(env: Record<string, string>): Promise<string[]> {
  const result = await runCommand(["secret-tool", "search", "--all", "service", "git-credential-pat"], {
    env,
    timeoutMs: 10_000,
    readsStore: true,
  });
  const text = `${result.stdout.toString("utf8")}\n${result.stderr}`;
  return text.split("\n").flatMap((line) => /^attribute\.username = (.*)$/.exec(line)?.[1] ?? []);
}

/** Deletes every keychain item of ours whose account mentions one of `hosts` (test cleanup). */
export async function clearKeychainHosts(
  hosts: readonly string[],
  env: Record<string, string>,
): Promise<void> {
  for (const account of await keychainAccounts(env)) {
    if (!hosts.some((host) => accountHost(account) === host)) continue;
    await runCommand(["secret-tool", "clear", "service", "git-credential-pat", "username", account], {
      env,
      timeoutMs: 10_000,
    });
  }
}

/** The host (with port) of an account URL such as https://alice@127.0.0.1:4711/acme/app.git. */
export function accountHost(account: string): string | undefined {
  return /^[a-z]+:\/\/[^@/]*@([^/]+)/.exec(account)?.[1];
}

/** A host name no other test (or test file running in parallel) uses. */
export function uniqueHost(): string {
  return `h-${Math.random().toString(36).slice(2, 10)}.example`;
}

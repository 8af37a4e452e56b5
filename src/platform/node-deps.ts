// The real Deps, under Node or bun: the only module (with main.ts) that touches process, fs, the
// clock and child_process.
import {
  isAbsolutePath,
  joinPath,
  normalizeAbsolutePath,
  type PathStyle,
  pathStyleOf,
} from "../posix-path.js";
import { printable } from "../protocol/printable.js";
import { scrub } from "../secret.js";
import { DEFAULTS, ENV, isDebug, type Paths, pickEnv, positiveInt, WINDOWS_CHILD_ENV } from "../settings.js";
import { createBunFs } from "./bun-fs.js";
import { createBunIo } from "./bun-io.js";
import { bunRuntime } from "./bun-runtime.js";
import { daemonSpawnPlan, startDetachedDaemon } from "./daemon-spawn.js";
import type { Deps, Spawn, SpawnResult } from "./deps.js";
import { createFdIo } from "./fd-io.js";
import { ipcRules } from "./ipc-endpoint.js";
import { loadNodeKeyring } from "./node-keyring.js";
import { programPath } from "./path-lookup.js";
import { findPlatformBinary } from "./platform-binary.js";
import { syncFs } from "./sync-fs.js";
import { ipcExchange } from "./unix-exchange.js";
import { nodeIpcServer } from "./unix-server.js";
import { aclUser, withWindowsFs } from "./windows-fs.js";

export function createNodeDeps(platform: string = process.platform): Deps {
  const env = process.env;
  const debug = isDebug(env);
  // The standalone binary runs on bun: its own file and stdio APIs keep node:fs off git's path.
  const bun = bunRuntime();
  const io = bun ? createBunIo(bun) : createFdIo();
  const ipc = ipcRules(platform);
  const spawn = nodeSpawnFor(platform);
  const clock = {
    now: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  return {
    env,
    fs: withWindowsFs(bun ? createBunFs(bun) : syncFs, {
      platform,
      spawn,
      systemRoot: env.SystemRoot,
      user: () => aclUser(process.getBuiltinModule("node:os").userInfo().username, env.USERDOMAIN),
      sleep: clock.sleep,
      rmdir: (path) => process.getBuiltinModule("node:fs/promises").rmdir(path),
    }),
    clock,
    spawn,
    io,
    paths: pathsFrom(env, platform),
    // Windows has no uid (process.getuid is missing there): no owner or mode is checked.
    uid: platform !== "win32" && typeof process.getuid === "function" ? process.getuid() : undefined,
    platform,
    // node:os only when asked: it costs start-up under bun.
    machineName: () => process.getBuiltinModule("node:os").hostname(),
    selfCommand: selfCommand(),
    platformBinary: once(async () => {
      const [runtime, script] = selfCommand();
      return script === undefined || runtime === undefined
        ? { kind: "standalone" }
        : findPlatformBinary(script);
    }),
    unixExchange: ipcExchange(ipc, bun),
    ...nodeIpcServer(ipc),
    startDaemon: (socketPath) =>
      startDetachedDaemon(
        daemonSpawnPlan(socketPath, {
          platform,
          selfCommand: selfCommand(),
          env,
          baseEnv: CHILD_BASE_ENV,
          debug,
        }),
      ),
    startLearner: (args) => startDetachedLearner(args, env, platform),
    keyring: once(() =>
      loadNodeKeyring(positiveInt(env[ENV.keyringTimeoutMs], DEFAULTS.keyringTimeoutMs), platform),
    ),
    fetch: (...args) => globalThis.fetch(...args),
    log: {
      debug: (message) => {
        // Printable: debug lines carry hosts and paths from git's request as they came.
        if (debug) io.err.write(`git-credential-pat[debug]: ${printable(scrub(message))}\n`);
      },
    },
    deferSignals: signalDeferrer(platform),
  };
}

const DEFERRED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Deps.deferSignals. Listeners are installed only while work runs: elsewhere a signal keeps its
 * default action. A held one is re-raised after they are removed, so the process still ends
 * by that signal (exit status 128 + n, as the shell expects) once the files are consistent.
 */
function signalDeferrer(platform: string): Deps["deferSignals"] {
  let depth = 0;
  let pending: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    pending ??= signal;
  };
  return async (work) => {
    if (depth++ === 0) for (const signal of DEFERRED_SIGNALS) process.on(signal, hold);
    try {
      return await work();
    } finally {
      // A signal caught while `work` ran without yielding to the event loop (synchronous file
      // calls end in resolved promises) is still queued: its listener runs on the next turn.
      // Removing the listeners first would drop it and the process would carry on.
      if (depth === 1) await new Promise((resolve) => setImmediate(resolve));
      if (--depth === 0) {
        for (const signal of DEFERRED_SIGNALS) process.off(signal, hold);
        const signal = pending;
        pending = undefined;
        // Windows has no signal to re-raise (process.kill ends us abruptly, or throws for SIGHUP):
        // leave with the status a shell would report.
        if (signal && platform === "win32")
          process.exit(128 + process.getBuiltinModule("node:os").constants.signals[signal]);
        if (signal) process.kill(process.pid, signal);
      }
    }
  };
}

export function pathsFrom(
  env: Readonly<Record<string, string | undefined>>,
  platform: string = process.platform,
): Paths {
  const pathStyle = pathStyleOf(platform);
  const home = absoluteHome(env, pathStyle);
  // XDG says relative values are invalid and must be ignored. On POSIX a value is kept as it is.
  const absolute = (value: string | undefined) =>
    value === undefined || !isAbsolutePath(value, pathStyle) ? undefined : spelled(value, pathStyle);
  const xdg = (name: string, fallback: string) => absolute(env[name]) ?? fallback;
  return {
    pathStyle,
    home,
    xdgConfigHome: xdg("XDG_CONFIG_HOME", joinPath(home, ".config")),
    xdgDataHome: xdg("XDG_DATA_HOME", joinPath(home, ".local", "share")),
    xdgCacheHome: xdg("XDG_CACHE_HOME", joinPath(home, ".cache")),
    xdgStateHome: xdg("XDG_STATE_HOME", joinPath(home, ".local", "state")),
    runtimeDir: absolute(env.XDG_RUNTIME_DIR),
  };
}

/** An absolute path as our paths spell it: as it is on POSIX, with forward slashes on Windows. */
function spelled(path: string, style: PathStyle): string {
  return style === "posix" ? path : (normalizeAbsolutePath(path, style) ?? path);
}

/**
 * $HOME when it is an absolute path, else (Windows) %USERPROFILE%, as Git for Windows sets HOME
 * for itself, else the home directory the user database names. A relative or empty HOME would be
 * read against git's working directory and put the file store (and every other file) inside the
 * repository. Only "/" is left when neither is known (a user with no home): every directory under
 * it must then be one this user owns and keeps private, or it is refused; on Windows "/" is no
 * absolute path, so every "~/" setting is refused and named.
 */
function absoluteHome(env: Readonly<Record<string, string | undefined>>, style: PathStyle): string {
  // No loop over an array: on bun's interpreter the first array iteration costs start-up (posix-path.ts).
  if (env.HOME !== undefined && isAbsolutePath(env.HOME, style)) return spelled(env.HOME, style);
  if (style === "win32" && env.USERPROFILE !== undefined && isAbsolutePath(env.USERPROFILE, style)) {
    return spelled(env.USERPROFILE, style);
  }
  // node:os only then: it costs start-up under bun.
  try {
    const fromDatabase = process.getBuiltinModule("node:os").userInfo().homedir;
    if (isAbsolutePath(fromDatabase, style)) return spelled(fromDatabase, style);
  } catch {
    // No entry for this uid (some containers).
  }
  return "/";
}

/**
 * Runs a child with a hard timeout (SIGKILL), never throwing for a non-zero exit. On Windows a
 * bare name is found through PATH here, never in the working directory (path-lookup.ts
 * programPath); one PATH does not have gives code 127, as a missing program does elsewhere.
 */
export function nodeSpawnFor(platform: string): Spawn {
  if (platform !== "win32") return nodeSpawn;
  return (file, args, options) => {
    const isFile = (path: string) =>
      process.getBuiltinModule("node:fs").statSync(path, { throwIfNoEntry: false })?.isFile() === true;
    const found = programPath(file, options.env.PATH ?? process.env.PATH, platform, isFile);
    if (found === undefined) {
      return Promise.resolve({ code: 127, stdout: "", stderr: `${file}: not found on PATH` });
    }
    return nodeSpawn(found, args, options);
  };
}

/** Runs a child with a hard timeout (SIGKILL), never throwing for a non-zero exit. */
const nodeSpawn: Spawn = async (file, args, { input, env, timeoutMs, cwd, isDetached }) => {
  // Loaded on first use: child_process costs start-up time on git's get path, which never spawns.
  const { spawn: spawnChild } = process.getBuiltinModule("node:child_process");
  if (isDetached) return spawnDetached(spawnChild, file, args, { env, timeoutMs, cwd });
  return new Promise((resolve) => {
    const child = spawnChild(file, [...args], { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + error.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
};

/**
 * Spawn's `isDetached`: its own session, no stdio, never killed; the result at its exit or at
 * the timeout (code 0: still running, as a browser started directly is), whichever is first.
 */
function spawnDetached(
  spawnChild: typeof import("node:child_process").spawn,
  file: string,
  args: readonly string[],
  { env, timeoutMs, cwd }: { env: Record<string, string>; timeoutMs: number; cwd?: string },
): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const child = spawnChild(file, [...args], { env, cwd, stdio: "ignore", detached: true });
    // Nothing of ours waits for it once the result is in.
    child.unref();
    const timer = setTimeout(() => resolve({ code: 0, stdout: "", stderr: "" }), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: "", stderr: error.message });
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: "", stderr: "" });
    });
  });
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** How to run this program again: the bun binary is its own interpreter; under Node, node + script. */
function selfCommand(): string[] {
  return selfCommandOf(process.argv[1], process.execPath);
}

/**
 * The entry script of a `bun build --compile` binary lives in its embedded file system:
 * /$bunfs/root/… on POSIX, B:\~BUN\root\… (or B:/~BUN/root/…) on Windows.
 */
const BUNFS_ENTRY = /^(\/\$bunfs\/|B:[\\/]~BUN[\\/])/i;

/** selfCommand from argv[1] and execPath: a compiled binary is run alone (never with its entry). */
export function selfCommandOf(script: string | undefined, execPath: string): string[] {
  const isCompiled = script === undefined || BUNFS_ENTRY.test(script) || script === execPath;
  return isCompiled ? [execPath] : [execPath, script];
}

/** What every child of ours needs to find itself and our files: the daemon's and the learner's base. */
const CHILD_BASE_ENV = [
  "PATH",
  "HOME",
  "LANG",
  "XDG_RUNTIME_DIR",
  "XDG_CACHE_HOME",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
];

/**
 * Environment handed to the learner (`learn`, started by `store`): what it needs to open the same
 * store (config and data directories, our settings, the session bus for the keychain) and to reach
 * the API (GH_HOST, the proxy variables, extra CA certificates; on Windows the system root,
 * without which sockets fail). An allow-list: no token variable ever reaches it.
 */
function learnerEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return pickEnv(env, [
    ...CHILD_BASE_ENV,
    "XDG_STATE_HOME",
    "DBUS_SESSION_BUS_ADDRESS",
    "GH_HOST",
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "NODE_EXTRA_CA_CERTS",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    ...WINDOWS_CHILD_ENV,
    ...Object.values(ENV),
  ]);
}

/**
 * Starts `<self> learn ARGS` detached (Deps.startLearner) and returns as soon as the process
 * exists: git's `store` waits for nothing. child_process loads only here, never on a `store`
 * that starts nothing; under bun its own spawn keeps node:child_process out altogether.
 *
 * The learner runs under `nice -n 19` where there is one: it is background work, and its
 * start-up (a runtime and the CLI bundle) would otherwise take the CPU from the `store` that
 * started it, and from git, on a machine with few cores (on a busy 2-core VM a Bun.spawn of the
 * binary took 2.6 ms at p90, through nice 0.4 ms, as for /bin/true; measured). npm run bench
 * compares a store that starts a learner with one that does not.
 */
function startDetachedLearner(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): void {
  const self = [...selfCommand(), "learn", ...args];
  const childEnv = learnerEnv(env);
  const bun = bunRuntime();
  if (bun) {
    const start = (argv: string[]) =>
      bun
        .spawn(argv, {
          env: childEnv,
          cwd: "/",
          stdio: ["ignore", "ignore", "ignore"],
          detached: true,
          windowsHide: true,
        })
        .unref();
    // bun reports a missing program at once (it throws): then without nice.
    for (const nice of platform === "win32" ? [] : NICE_PATHS) {
      try {
        start([nice, "-n", "19", ...self]);
        return;
      } catch {
        // Try the next place nice may be, then none.
      }
    }
    start(self);
    return;
  }
  const { spawn } = process.getBuiltinModule("node:child_process");
  const { existsSync } = process.getBuiltinModule("node:fs");
  const nice = platform === "win32" ? undefined : NICE_PATHS.find((path) => existsSync(path));
  const [command, ...argv] = nice === undefined ? self : [nice, "-n", "19", ...self];
  const child = spawn(command as string, argv, {
    detached: true,
    cwd: "/",
    env: childEnv,
    stdio: "ignore",
    windowsHide: true,
  });
  // A failure to exec is reported as an event: without a listener it would end this process.
  child.on("error", () => {});
  child.unref();
}

/** Where POSIX systems keep nice(1): coreutils on Linux, BSD on macOS. */
const NICE_PATHS = ["/usr/bin/nice", "/bin/nice"] as const;

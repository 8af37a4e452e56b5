// A hard deadline for keychain calls, in two forms.
// - Blocking calls: connecting the native keyring to D-Bus is synchronous, and a session bus
//   that accepts but never answers blocks the event loop, so no timer can fire. A small shell
//   process watches such a call from outside: it sleeps until the deadline and then prints the
//   error and kills us, unless we close its stdin first (done when the call returns, or by the
//   kernel when we exit, so it never outlives us holding a pid that could be reused).
// - Asynchronous calls run on a native thread and leave the event loop free: a timer suffices.
//   (A locked keyring's prompt survives AbortSignal and process.exit(); only SIGKILL ends it.)
// A worker thread did both before, at ~9 ms of CPU and ~15 MB of memory per run (perf stat).
//
// Per platform (watchdogPlan):
// - Linux: as above; the only blocking call is the Secret Service entry's D-Bus connection.
// - macOS and Windows: no blocking call to watch. Constructing an entry there (keyring-rs's
//   apple and windows credentials, behind @napi-rs/keyring's AsyncEntry) only records the
//   service and account names; the Security framework (securityd) and Credential Manager
//   (CredReadW/CredWriteW, an LSA call) are reached only by the reads, writes and deletes, which
//   AsyncEntry runs on a worker thread: the timer guard covers them, and a macOS unlock prompt
//   left open is ended by it too. So no process is started for them (Windows has no sh, and a
//   watcher made of our own executable would cost a process start on every keychain call).
// - Ending the process after the failure was reported: on Linux and macOS process.exit() with
//   the sh watcher as a backstop (Node's exit can wait on a stuck addon thread). Windows has no
//   sh: bun's exit does not wait, so the binary exits with its status; under Node the process
//   is terminated at once (TerminateProcess, exit status 1) rather than risk that wait.
import { pickEnv } from "../settings.js";
import { bunRuntime } from "./bun-runtime.js";

export interface KeyringWatchdog {
  /** Runs a synchronous call that may block the whole thread, under the deadline. */
  guardBlocking<T>(call: () => T): T;
  /** Runs an asynchronous call under the deadline; armed until it settles. */
  guard<T>(call: () => Promise<T>): Promise<T>;
  /** The caller already told the user; when the deadline kills the process, say nothing more. */
  markReported(): void;
}

// $1 seconds, $2 pid to kill, $3 message. The reader ends the sleep when stdin closes; a sleep
// that runs out means the call is still blocked. (An asynchronous list's stdin is /dev/null in
// sh, hence fd 3; the shell's own notices, such as "Terminated" for the ended sleep, go to
// /dev/null, the message to the saved stderr on fd 4.)
const WATCHER_SCRIPT = `exec 3<&0 4>&2 2>/dev/null
sleep "$1" & sleeper=$!
{ read -r _ <&3; kill "$sleeper"; } &
if wait "$sleeper"; then printf '%s' "$3" >&4; kill -9 "$2"; fi`;

/** What the watchdog does on a platform (see the header). */
export interface WatchdogPlan {
  /** Start the sh watcher around each blocking call (guardBlocking). */
  watchesBlockingCalls: boolean;
  /** Once the failure is reported: exit with a watcher as backstop, exit alone, or be killed. */
  reportedExit: "exit-with-backstop" | "exit" | "kill";
}

export function watchdogPlan(platform: string, isBun: boolean): WatchdogPlan {
  if (platform === "linux") return { watchesBlockingCalls: true, reportedExit: "exit-with-backstop" };
  if (platform === "win32") return { watchesBlockingCalls: false, reportedExit: isBun ? "exit" : "kill" };
  return { watchesBlockingCalls: false, reportedExit: "exit-with-backstop" };
}

export interface WatchdogOptions {
  platform?: string;
  /** Starts the outside watcher (tests record it instead of starting sh). */
  startWatcher?: (deadlineMs: number, message: string) => Watcher;
}

export function startKeyringWatchdog(
  deadlineMs: number,
  message: string,
  { platform = process.platform, startWatcher = startShWatcher }: WatchdogOptions = {},
): KeyringWatchdog {
  const plan = watchdogPlan(platform, bunRuntime() !== undefined);
  let reported = false;
  const kill = () => {
    if (reported && plan.reportedExit !== "kill") {
      // The message is out and the exit status set: leave with that status where the runtime
      // can (bun; Node's exit waits on the stuck addon thread), the watcher as a backstop.
      if (plan.reportedExit === "exit-with-backstop") startWatcher(EXIT_BACKSTOP_MS, "");
      process.exit();
    }
    if (!reported) process.stderr.write(message);
    process.kill(process.pid, "SIGKILL");
  };
  return {
    markReported: () => {
      reported = true;
    },
    guardBlocking<T>(call: () => T): T {
      if (!plan.watchesBlockingCalls) return call();
      const watcher = startWatcher(deadlineMs, message);
      try {
        return call();
      } finally {
        watcher.stop();
      }
    },
    async guard<T>(call: () => Promise<T>): Promise<T> {
      // Never the reason the process stays alive; it fires only while a native call holds it.
      const timer = setTimeout(kill, deadlineMs);
      timer.unref();
      try {
        return await call();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** How long a reported failure may take to exit before it is killed. */
const EXIT_BACKSTOP_MS = 1000;

export interface Watcher {
  stop(): void;
}

function startShWatcher(deadlineMs: number, message: string): Watcher {
  const args = [
    "-c",
    WATCHER_SCRIPT,
    "keyring-watchdog",
    (deadlineMs / 1000).toFixed(3),
    String(process.pid),
    message,
  ];
  // sh needs PATH for sleep, and nothing else: never the token variables of git's environment.
  const env = pickEnv(process.env, ["PATH"]);
  const bun = bunRuntime();
  const child = bun
    ? bun.spawn(["/bin/sh", ...args], { env, stdin: "pipe", stdout: "ignore", stderr: "inherit" })
    : spawnWithNode(args, env);
  return {
    stop: () => {
      child.stdin?.end();
      child.unref();
    },
  };
}

function spawnWithNode(args: string[], env: Record<string, string>) {
  const { spawn } = process.getBuiltinModule("node:child_process");
  const child = spawn("/bin/sh", args, { env, stdio: ["pipe", "ignore", "inherit"] });
  child.on("error", () => {});
  child.stdin?.on("error", () => {});
  return child;
}

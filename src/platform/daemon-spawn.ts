// Starting the cache daemon, `<self> cache-daemon SOCKET`, detached: how it is spawned on each
// platform (a pure plan, unit-tested for all three) and the wait for its "ok" line.
import { BackendUnavailableError } from "../errors.js";
import { ENV, pickEnv, WINDOWS_CHILD_ENV } from "../settings.js";

export interface DaemonSpawnPlan {
  command: string;
  args: string[];
  options: {
    detached: true;
    cwd: string;
    env: Record<string, string>;
    stdio: ["ignore", "pipe", "inherit" | "ignore"];
    windowsHide?: true;
  };
}

/**
 * How to start the daemon on `platform`. No shell and no setsid(1) anywhere: node's `detached`
 * is setsid() on POSIX (the daemon outlives the store and the terminal's signals) and
 * DETACHED_PROCESS on Windows (it outlives the console), where `windowsHide` keeps a console
 * window from flashing up. cwd "/" (on Windows the current drive's root): the daemon must not
 * hold git's working directory (Windows would refuse to delete it while it runs). The environment
 * is an allow-list, so no token variable (GH_TOKEN…) reaches it.
 */
export function daemonSpawnPlan(
  socketPath: string,
  context: {
    platform: string;
    selfCommand: readonly string[];
    env: Readonly<Record<string, string | undefined>>;
    /** The variables every child of ours gets (node-deps.ts). */
    baseEnv: readonly string[];
    debug: boolean;
  },
): DaemonSpawnPlan {
  const isWindows = context.platform === "win32";
  const [command, ...selfArgs] = context.selfCommand;
  return {
    command: command as string,
    args: [...selfArgs, "cache-daemon", socketPath],
    options: {
      detached: true,
      cwd: "/",
      env: pickEnv(context.env, [...context.baseEnv, ENV.debug, ...(isWindows ? WINDOWS_CHILD_ENV : [])]),
      stdio: ["ignore", "pipe", context.debug ? "inherit" : "ignore"],
      ...(isWindows ? { windowsHide: true as const } : {}),
    },
  };
}

const DAEMON_START_TIMEOUT_MS = 3000;

/** Spawns the daemon as `plan` says and waits for its "ok" line. */
export async function startDetachedDaemon(plan: DaemonSpawnPlan): Promise<void> {
  const { spawn } = process.getBuiltinModule("node:child_process");
  const child = spawn(plan.command, plan.args, plan.options);
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      // TerminateProcess on Windows: Node maps SIGKILL to it, no POSIX signal needed.
      child.kill("SIGKILL");
      reject(
        new BackendUnavailableError(`the cache daemon did not start (${why})`, {
          hint: "run with GIT_CREDENTIAL_PAT_DEBUG=1 to see why",
        }),
      );
    };
    const timer = setTimeout(
      () => fail(`no answer within ${DAEMON_START_TIMEOUT_MS} ms`),
      DAEMON_START_TIMEOUT_MS,
    );
    child.on("error", (error) => fail(error.message));
    child.on("close", (code) => fail(`it exited with ${code}`));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("ok\n")) {
        clearTimeout(timer);
        child.removeAllListeners("close");
        child.stdout?.destroy();
        child.unref();
        resolve();
      }
    });
  });
}

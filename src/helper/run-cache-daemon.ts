// `git-credential-pat cache-daemon SOCKET`: the process the first `store` starts.
// Prints "ok" once listening (the client waits for exactly that), then serves until it stops.
import { DaemonAlreadyRunning, type DaemonLifecycle, startCacheDaemon } from "../cache/daemon.js";
import { hasDaemonRecord, registerDaemon } from "../cache/daemon-registry.js";
import { isAbsoluteSocketPath } from "../cache/socket-path.js";
import { BackendUnavailableError, UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";

export const DAEMON_GRACE_MS = 30_000;
/** One connection's whole life, from accept (docs/cache.md "Never hang git"). */
export const DAEMON_REQUEST_TIMEOUT_MS = 2_000;

export async function runCacheDaemon(
  argv: readonly string[],
  deps: Deps,
  onStopSignal: (stop: () => void) => void,
): Promise<void> {
  const socketPath = argv[0];
  // The helper always passes an absolute path; the daemon runs in "/", so nothing else is meant.
  if (socketPath === undefined || !isAbsoluteSocketPath(socketPath, deps.ipc))
    throw new UsageError("usage: git-credential-pat cache-daemon /ABSOLUTE/SOCKET");
  try {
    const daemon = await startCacheDaemon(
      {
        socketPath,
        graceMs: DAEMON_GRACE_MS,
        requestTimeoutMs: DAEMON_REQUEST_TIMEOUT_MS,
        lifecycle: registryLifecycle(socketPath, deps),
      },
      deps,
    );
    onStopSignal(daemon.stop);
    deps.io.out.write("ok\n");
    await daemon.closed;
  } catch (error) {
    // Two stores raced to start a daemon and the other one won: it is listening, which is all the client needs.
    if (!(error instanceof DaemonAlreadyRunning)) throw error;
    if (deps.ipc.kind === "named-pipe") await checkPipeIsOurs(socketPath, deps);
    deps.io.out.write("ok\n");
  }
}

/** How long a daemon that found its pipe taken waits for the one holding it to register. */
const PIPE_RECORD_WAIT_MS = 1000;
const PIPE_RECORD_POLL_MS = 50;

/**
 * Windows: a pipe name that is taken is ours only if a daemon of ours registered it (it does so
 * right after it listens, hence the short wait). Anyone else may have created it first, to be
 * sent the token of the store that started us: then no "ok" (docs/cache.md "On Windows").
 */
async function checkPipeIsOurs(socketPath: string, deps: Deps): Promise<void> {
  for (let waitedMs = 0; ; waitedMs += PIPE_RECORD_POLL_MS) {
    if (await hasDaemonRecord(socketPath, deps)) return;
    if (waitedMs >= PIPE_RECORD_WAIT_MS) break;
    await deps.clock.sleep(PIPE_RECORD_POLL_MS);
  }
  throw new BackendUnavailableError(
    `the named pipe of ${socketPath} is taken, and by no cache daemon of yours (another user may have created it); not sending tokens to it`,
    { hint: "use another --socket, or --timeout=0 to turn the cache off" },
  );
}

/**
 * Keeps this daemon's record in the daemon registry while it listens, so logout and rotate can
 * clear it too when it runs on a custom --socket (cache/daemon-registry.ts).
 */
function registryLifecycle(socketPath: string, deps: Deps): DaemonLifecycle {
  let unregister: (() => Promise<void>) | undefined;
  return {
    listening: async () => {
      unregister = await registerDaemon(socketPath, deps);
    },
    stopping: async () => {
      await unregister?.();
    },
  };
}

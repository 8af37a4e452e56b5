// The helper's side of the cache: one short connection per request, bounded in time.
// A daemon that is not there is a miss for get/erase; store starts one (as git's client does).
import { BackendUnavailableError } from "../errors.js";
import type { UnixExchange } from "../platform/deps.js";
import { errorCode } from "../private-files.js";
import {
  type Credential,
  findUnsafeField,
  type LookupOptions,
  parseRequest,
  pickFields,
  type ResolvedCredential,
  replyFields,
  type TokenSource,
} from "../protocol/index.js";
import type { CachedCredential } from "./cache-table.js";
import { checkSocketPath, type SocketPathDeps } from "./socket-path.js";
import { type CacheRequest, encodeCacheRequest, hasExactPathEcho } from "./wire.js";

export interface CacheClientDeps extends SocketPathDeps {
  /** Starts the daemon on `socketPath` and resolves once it listens. */
  startDaemon: (socketPath: string) => Promise<void>;
  unixExchange: UnixExchange;
  /**
   * Whether a daemon of ours registered `socketPath` (daemon-registry.ts hasDaemonRecord). Asked
   * only on Windows, before a store sends a token to a pipe: absent means no.
   */
  isRegisteredDaemon?: (socketPath: string) => Promise<boolean>;
}

export interface CacheClientOptions {
  socketPath: string;
  /** Bound for one whole exchange: connect, write, read. */
  timeoutMs: number;
}

/** The wire exchange failed in a way that means "no daemon here". */
class NoDaemon extends Error {}

/**
 * Daemon starts a store makes before it gives up. A daemon says "ok" when it listens, or when it
 * found another one listening (daemon.ts takeOverSocket); that one may end (its grace period ran
 * out) before our request reaches it, and then a second start finds the socket free.
 */
const START_ATTEMPTS = 2;

export class SocketCacheClient implements TokenSource {
  readonly name = "cache";

  constructor(
    private readonly options: CacheClientOptions,
    private readonly deps: CacheClientDeps,
  ) {}

  /**
   * The daemon's answer, or undefined: also for an answer the asking git cannot use (an authtype
   * credential for a git that did not announce the capability), so the store is asked next, and
   * for a host-wide (exactPath) lookup answered by a daemon that does not say it honoured it (one
   * started by an older version, still running after an upgrade, matches any path).
   */
  async get(pattern: Credential, options?: LookupOptions): Promise<ResolvedCredential | undefined> {
    // A CR, LF or NUL cannot be sent on the wire, and nothing cached holds one (store refuses them).
    if (findUnsafeField(pattern) !== undefined) return undefined;
    const reply = await this.askIfRunning({
      action: "get",
      timeoutSeconds: 0,
      credential: pattern,
      hasAuthtype: options?.withAuthtype === true,
      exactPath: options?.exactPath,
    });
    if (!reply) return undefined;
    const parsed = parseRequest(reply);
    if (parsed.kind === "invalid") return undefined;
    if (options?.exactPath && !hasExactPathEcho(parsed.request)) return undefined;
    const { username, password, authtype, authCredential } = parsed.request;
    if (!((username !== undefined && password !== undefined) || authtype !== undefined || authCredential))
      return undefined;
    return pickFields<ResolvedCredential>(parsed.request, replyFields(true));
  }

  async store(credential: CachedCredential, timeoutSeconds: number): Promise<void> {
    const request: CacheRequest = { action: "store", timeoutSeconds, credential };
    const state = await checkSocketPath(this.options.socketPath, { create: true }, this.deps);
    // Anyone can create a pipe of that name while no daemon of ours has it (docs/cache.md "On
    // Windows"), so a token goes straight to a pipe only one of ours registered. Otherwise a
    // daemon is started first: it listens and registers, or finds the name taken and says "ok"
    // only if one of ours holds it (helper/run-cache-daemon.ts).
    const isOurs =
      state === "socket" ||
      (state === "pipe" && ((await this.deps.isRegisteredDaemon?.(this.options.socketPath)) ?? false));
    if (isOurs) {
      const sent = await this.exchange(request).then(
        () => true,
        (error: unknown) => missOnNoDaemon(error) ?? false,
      );
      if (sent) return;
    }
    // No daemon (or a stale socket left by a killed one): start one, which replaces the socket.
    for (let attempt = 1; ; attempt++) {
      await this.deps.startDaemon(this.options.socketPath);
      try {
        await this.exchange(request);
        return;
      } catch (error) {
        if (!(error instanceof NoDaemon) || attempt >= START_ATTEMPTS) {
          throw new BackendUnavailableError(
            `the cache daemon did not accept the token (${describeError(error)})`,
          );
        }
      }
    }
  }

  async erase(pattern: Credential): Promise<void> {
    if (findUnsafeField(pattern) !== undefined) return;
    await this.askIfRunning({ action: "erase", timeoutSeconds: 0, credential: pattern });
  }

  /**
   * Erases each pattern in turn, for a command that must know the outcome: "absent" when no
   * daemon listens on the socket (none there, or a socket nobody answers on), "erased" when one
   * answered every erase. Rejects, without trying the rest, when the socket path is unsafe or the
   * daemon does not answer within the timeout.
   */
  async eraseEach(patterns: readonly Credential[]): Promise<"erased" | "absent"> {
    if ((await checkSocketPath(this.options.socketPath, { create: false }, this.deps)) === "absent")
      return "absent";
    for (const pattern of patterns) {
      if (findUnsafeField(pattern) !== undefined) continue;
      try {
        await this.exchange({ action: "erase", timeoutSeconds: 0, credential: pattern });
      } catch (error) {
        // A daemon that went away took its entries with it.
        if (error instanceof NoDaemon) return "absent";
        // What went wrong, as is ("no answer within 1000 ms"): the caller names the daemon.
        throw new BackendUnavailableError(describeError(error), { cause: error });
      }
    }
    return "erased";
  }

  /** Stops the daemon, like `git credential-cache exit`; no daemon is not an error. */
  async exit(): Promise<void> {
    await this.askIfRunning({ action: "exit", timeoutSeconds: 0, credential: {} });
  }

  /** One exchange with a daemon that may not be running: no socket or no listener is a miss. */
  private async askIfRunning(request: CacheRequest): Promise<Buffer | undefined> {
    if ((await checkSocketPath(this.options.socketPath, { create: false }, this.deps)) === "absent")
      return undefined;
    return this.exchange(request).catch(missOnNoDaemon);
  }

  /** Sends one request, half-closes, reads the reply to EOF; everything within timeoutMs. */
  private async exchange(request: CacheRequest): Promise<Buffer> {
    // Encoded before connecting: a refusal must be a rejection the caller handles, never an
    // exception thrown from inside a socket callback.
    const payload = encodeCacheRequest(request);
    try {
      return await this.deps.unixExchange(this.options.socketPath, payload, this.options.timeoutMs);
    } catch (error) {
      const code = errorCode(error);
      throw code === "ENOENT" || code === "ECONNREFUSED" ? new NoDaemon(code) : error;
    }
  }
}

/** A daemon that is gone is a miss; anything else (timeout, reset) is reported. */
function missOnNoDaemon(error: unknown): undefined {
  if (error instanceof NoDaemon) return undefined;
  throw new BackendUnavailableError(`the cache daemon did not answer (${describeError(error)})`, {
    hint: 'stop it with "git-credential-pat exit"; the next store starts a fresh one',
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

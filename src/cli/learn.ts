// `git-credential-pat learn`: internal and hidden from --help. git's `store` starts it in the
// background (helper/learn-trigger.ts) for a token new to the store on a GitHub host; it asks
// the API whose the token is, its scopes and its expiry, and records that (recordCheck: facts in
// accounts.json, the expiry in the store), so that `get` warns before the token expires and tells
// git password_expiry_utc, as for a token `login` stored. Bounded in time, one learner per token
// at a time, silent (its stdio is /dev/null), and it never receives the token: it reads it from
// the store, by the slot its arguments name.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { TokenFacts } from "../accounts/account.js";
import { sameHost } from "../accounts/accounts.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { findFacts, isKnownGithubHost, recordedApiUrl, tokenCheck } from "../accounts/token-facts.js";
import { isLearningOn, loadConfig } from "../config/config-file.js";
import { AuthError, UsageError } from "../errors.js";
import type { TokenInfo } from "../github/types.js";
import { tryWithLockFile } from "../lease-lock.js";
import type { Deps } from "../platform/deps.js";
import { dirnamePath, joinPath } from "../posix-path.js";
import { ensurePrivateDir } from "../private-files.js";
import { fingerprint, type Secret } from "../secret.js";
import { APP_DIR, learnTimeoutMs, STORE_NAMES, type StoreName } from "../settings.js";
import { openStore } from "../stores/open-store.js";
import type { TokenStore } from "../stores/token-store.js";
import { githubFor } from "./command-kit.js";
import { recordCheck } from "./stored-tokens.js";

export interface LearnOptions {
  store: StoreName;
  /**
   * fingerprint() of the token git stored: the learner learns about that token or none. Nothing
   * else of git's request reaches its argv (world-readable in /proc), not even the username (it
   * may be a token): the token's entries are found in the store by this.
   */
  fingerprint: string;
}

interface LearnArgs {
  store?: string;
  fingerprint?: string;
}

export function toLearnOptions(argv: LearnArgs): LearnOptions {
  const required = (name: keyof LearnArgs): string => {
    const value = argv[name];
    if (value === undefined) throw new UsageError(`learn needs --${name}`);
    return value;
  };
  const store = required("store");
  if (!STORE_NAMES.includes(store as StoreName)) {
    throw new UsageError(`--store must be one of ${STORE_NAMES.join(", ")} (got "${store}")`);
  }
  const print = required("fingerprint");
  if (!/^[0-9a-f]{8}$/.test(print)) throw new UsageError("--fingerprint must be 8 hex digits");
  return { store: store as StoreName, fingerprint: print };
}

export type LearnOutcome =
  | { kind: "learned"; facts: TokenFacts }
  | { kind: "skipped"; reason: string }
  /** The API refused the token (401): nothing is recorded (see learnOnce). */
  | { kind: "rejected"; reason: string }
  /** The API could not be asked (network, 5xx, rate limit): nothing is recorded. */
  | { kind: "failed"; reason: string }
  | { kind: "timed-out" };

/**
 * How long before its hard bound (main.ts ends the process there, whatever it waits on) a
 * learner stops asking, so that a recording under way still finishes: a file lock is held for
 * milliseconds, but a writer may wait for another's.
 */
const WIND_DOWN_MS = 5000;

/** The per-token lock: beside the cache socket and the keychain lock, named by the fingerprint. */
export function learnLockPath(paths: Deps["paths"], print: string): string {
  return joinPath(paths.runtimeDir ?? paths.xdgCacheHome, APP_DIR, `learn-${print}.lock`);
}

/**
 * Learns about the token with `opts.fingerprint` once: under the token's lock, taken at once or not at
 * all (a second learner for the same token does nothing; a lock whose holder died is taken over
 * once it is older than the hard bound), and within the learner's deadline.
 */
export async function runLearn(opts: LearnOptions, deps: Deps): Promise<LearnOutcome> {
  const boundMs = learnTimeoutMs(deps.env);
  const deadline = AbortSignal.timeout(Math.max(boundMs - WIND_DOWN_MS, boundMs / 2));
  const config = await loadConfig(deps);
  if (!isLearningOn(config, deps.env)) return { kind: "skipped", reason: "learning is off" };
  if (opts.store === "memory") return { kind: "skipped", reason: "the memory store keeps no facts" };
  const store = await openStore(opts.store, config, deps);
  const lockPath = learnLockPath(deps.paths, opts.fingerprint);
  await ensurePrivateDir(dirnamePath(lockPath), "private", deps);
  const done = await tryWithLockFile(
    lockPath,
    { staleMs: boundMs },
    () => untilDeadline(learnOnce(opts, store, deadline, deps), deadline),
    deps,
  );
  return done?.result ?? { kind: "skipped", reason: "another learner is learning about this token" };
}

/** `work`'s outcome, or timed-out once `deadline` fires (the work is left to its own bounds). */
export async function untilDeadline(
  work: Promise<LearnOutcome>,
  deadline: AbortSignal,
): Promise<LearnOutcome> {
  if (deadline.aborted) return { kind: "timed-out" };
  let onAbort = () => {};
  const timedOut = new Promise<LearnOutcome>((resolve) => {
    onAbort = () => resolve({ kind: "timed-out" });
    deadline.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    deadline.removeEventListener("abort", onAbort);
  }
}

/**
 * The learning itself, with the lock held. It asks only about the token the slot still holds
 * (another git may have stored a newer one since: that store started its own learner), only
 * for a GitHub host, and only when nothing is known about the token yet (an earlier learner or
 * a `verify` may have recorded it meanwhile). The API is the one recorded for the host (an
 * account's or another token's --api-url), else the host's default.
 *
 * Only GitHub's answer is recorded. A 401 is not: git has just authenticated with this very
 * token, so a refusal says more about the API than about the token (a GHES account's password
 * rather than a token, an API URL that is another server's); `verify` is where a token is
 * judged. A network error, a 5xx or a rate limit records nothing either. Either way nothing is
 * retried: only a token new to its slot starts a learner.
 */
async function learnOnce(
  opts: LearnOptions,
  store: TokenStore,
  deadline: AbortSignal,
  deps: Deps,
): Promise<LearnOutcome> {
  const entries = (await store.list()).filter(
    (candidate) => candidate.protocol === "https" && fingerprint(candidate.password) === opts.fingerprint,
  );
  if (entries.length === 0) return { kind: "skipped", reason: "the store no longer holds that token" };
  const data = await loadAccountsData(deps);
  // Every GitHub host the token is stored for, each asked at its own API: a token is only ever
  // sent to the API of a host it is stored for (never another host's, whatever the store's order).
  const hosts = [
    ...new Set(
      entries
        .map((entry) => entry.host.toLowerCase())
        .filter((host) => isKnownGithubHost(host, data, deps.env.GH_HOST)),
    ),
  ];
  if (hosts.length === 0) return { kind: "skipped", reason: "the token is on no GitHub host" };
  const unknown = hosts.filter((host) => !findFacts(data, host, opts.fingerprint));
  if (unknown.length === 0) return { kind: "skipped", reason: "the token is known already" };
  let outcome: LearnOutcome = { kind: "skipped", reason: "nothing asked" };
  for (const host of unknown) {
    const token = (entries.find((entry) => sameHost(entry.host, host)) as (typeof entries)[number]).password;
    const learned = await learnHost(host, token, recordedApiUrl(data, host), store, deadline, deps);
    if (outcome.kind !== "learned") outcome = learned;
  }
  return outcome;
}

async function learnHost(
  host: string,
  token: Secret,
  apiUrl: string | undefined,
  store: TokenStore,
  deadline: AbortSignal,
  deps: Deps,
): Promise<LearnOutcome> {
  let info: TokenInfo;
  try {
    info = await (await githubFor(host, apiUrl, deps)).validate(token);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return error instanceof AuthError ? { kind: "rejected", reason } : { kind: "failed", reason };
  }
  // Past the deadline nothing new starts: the process is about to be ended.
  if (deadline.aborted) return { kind: "timed-out" };
  const facts = await recordCheck(store, host, token, tokenCheck(info, "valid", apiUrl), deps);
  return facts === undefined
    ? { kind: "skipped", reason: "the store no longer holds that token" }
    : { kind: "learned", facts };
}

export function learnCommand(deps: Deps): CommandModule<object, LearnArgs> {
  return {
    command: "learn",
    // Internal: git's store starts it. `false` keeps it out of --help.
    describe: false,
    builder: (yargs: Argv) =>
      yargs.option("store", { type: "string" }).option("fingerprint", { type: "string" }) as Argv<LearnArgs>,
    handler: async (argv: ArgumentsCamelCase<LearnArgs>) => {
      const outcome = await runLearn(toLearnOptions(argv), deps);
      deps.log.debug(`learn: ${outcome.kind}${"reason" in outcome ? ` (${outcome.reason})` : ""}`);
    },
  };
}

// After git's `store`: whether to learn what GitHub says about the token just stored (login,
// scopes, expiry) and, if so, starting the learner (`learn`, cli/learn.ts) in the background.
// Never delays or fails the store: nothing here waits for the learner or throws.
import { loadAccountsData } from "../accounts/accounts-file.js";
import { findFacts, isKnownGithubHost } from "../accounts/token-facts.js";
import { isLearningOn } from "../config/config-file.js";
import type { Deps } from "../platform/deps.js";
import { fingerprint, isTokenKeptAsUsername } from "../secret.js";
import type { Config, StoreName } from "../settings.js";
import type { StoredCredential } from "../stores/token-store.js";

export type LearnDecision = { kind: "start"; args: string[] } | { kind: "skip"; reason: string };

export type LearnTriggerDeps = Pick<
  Deps,
  "env" | "paths" | "fs" | "clock" | "uid" | "deferSignals" | "startLearner" | "log"
>;

/**
 * Whether to learn about the token git just stored, cheapest question first, so that the common
 * `store` costs nothing: git stores the token again after every successful fetch, and a token the
 * slot already held (`stored` undefined) is decided without reading anything. Only a token new to
 * its slot, in a store that persists (the memory store keeps nothing to attach facts to), with
 * learning on (config.json "learn", GIT_CREDENTIAL_PAT_LEARN) reads accounts.json; and only a
 * token on a GitHub host (isKnownGithubHost) that nothing is known about yet (no facts for its
 * host and fingerprint) is learned. Environment tokens never get here: runHelper does not store them.
 * The learner's arguments name the store and the token's fingerprint, never the token nor its
 * slot: it finds the token in the store itself.
 */
export async function decideLearning(
  stored: StoredCredential | undefined,
  storeName: StoreName,
  config: Config,
  deps: Omit<LearnTriggerDeps, "startLearner" | "log">,
): Promise<LearnDecision> {
  if (stored === undefined) return skip("the store already held this token in that slot");
  if (storeName === "memory") return skip("the memory store keeps nothing to record facts beside");
  if (!isLearningOn(config, deps.env)) return skip("learning is off");
  // `https://TOKEN@host/…`: the password is a placeholder, and the learner asks about passwords.
  if (isTokenKeptAsUsername(stored.username, stored.password))
    return skip("git keeps the token as the username");
  let data: Awaited<ReturnType<typeof loadAccountsData>>;
  try {
    data = await loadAccountsData(deps);
  } catch (error) {
    // `get` reports a broken accounts.json on every run; a store stays quiet about it.
    return skip(`accounts.json cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isKnownGithubHost(stored.host, data, deps.env.GH_HOST))
    return skip(`${stored.host} is not a GitHub host`);
  const print = fingerprint(stored.password);
  if (findFacts(data, stored.host, print)) return skip(`the token (fp ${print}) is known already`);
  return {
    kind: "start",
    // Nothing of git's request in argv (/proc/PID/cmdline is world-readable, and people put a
    // token in the username too): the learner finds the token in the store by its fingerprint.
    args: [`--store=${storeName}`, `--fingerprint=${print}`],
  };
}

/**
 * decideLearning, then the learner started when it says so. Returns at once: the learner runs
 * detached, and one that cannot even be started is only logged (debug).
 */
export async function learnAfterStore(
  stored: StoredCredential | undefined,
  storeName: StoreName,
  config: Config,
  deps: LearnTriggerDeps,
): Promise<LearnDecision> {
  const decision = await decideLearning(stored, storeName, config, deps);
  if (decision.kind === "skip") {
    deps.log.debug(`not learning: ${decision.reason}`);
    return decision;
  }
  try {
    deps.startLearner(decision.args);
    deps.log.debug("learning about the token in the background");
    return decision;
  } catch (error) {
    const reason = `the learner did not start (${error instanceof Error ? error.message : String(error)})`;
    deps.log.debug(`not learning: ${reason}`);
    return skip(reason);
  }
}

function skip(reason: string): LearnDecision {
  return { kind: "skip", reason };
}

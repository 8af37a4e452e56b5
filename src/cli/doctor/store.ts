// doctor's "store" section: which store git-credential-pat keeps tokens in and what chose it (by
// the helper's own precedence rule), whether config.json reads, and whether the keychain answers.
import type { Account } from "../../accounts/account.js";
import { loadConfig } from "../../config/config-file.js";
import { type Helper, helperOption } from "../../git/inspect-helper.js";
import type { Deps } from "../../platform/deps.js";
import { type Config, ENV, STORE_NAMES, type StoreName } from "../../settings.js";
import { KEYCHAIN_SERVICE } from "../../stores/keyring-store.js";
import { type StoreSource, storeSetting } from "../../stores/open-store.js";
import type { ConfigFileFact, DoctorFacts, StoreUse } from "./facts.js";
import { problemOf } from "./failure.js";
import type { Finding } from "./finding.js";

export type KeychainProbe =
  | { kind: "ok"; items: Array<{ account: string; password: string }> }
  | { kind: "unavailable"; message: string; hint: string | undefined };

export function gatherConfigFile(deps: Deps): Promise<ConfigFileFact> {
  return loadConfig(deps).then(
    (config) => ({ kind: "ok" as const, config }),
    (error: unknown) => ({ kind: "error" as const, ...problemOf(error) }),
  );
}

const STORE_SOURCES: Record<StoreSource, string> = {
  flag: "--store in credential.helper",
  env: `$${ENV.store}`,
  config: "config.json",
  default: "default",
};

/** Each store in use, once: the one each of our helpers runs with (or would, unconfigured), then the accounts'. */
export function storeUses(
  ours: readonly Helper[],
  config: Config,
  accounts: readonly Account[],
  deps: Pick<Deps, "env">,
): StoreUse[] {
  const uses = [
    ...(ours.length === 0
      ? [storeUse(undefined, config, deps)]
      : ours.map((helper) => storeUse(helperOption(helper.args, "store"), config, deps))),
    ...accounts.map((account) => ({
      store: account.store,
      source: `the account ${account.login}@${account.host}`,
    })),
  ];
  return uses.filter((use, index) => uses.findIndex((other) => other.store === use.store) === index);
}

/** The store a helper with this --store runs with, by the helper's own rule; an unknown name is kept for checkStore. */
function storeUse(flag: string | undefined, config: Config, deps: Pick<Deps, "env">): StoreUse {
  const { value, source } = storeSetting(flag, config, deps.env);
  return { store: value, source: STORE_SOURCES[source] };
}

/** One harmless listing of our own items: reachable, unlocked, and what it holds. */
export async function probeKeychain(deps: Deps): Promise<KeychainProbe> {
  try {
    const keyring = await deps.keyring();
    return { kind: "ok", items: await keyring.findAll(KEYCHAIN_SERVICE) };
  } catch (error) {
    return { kind: "unavailable", ...problemOf(error) };
  }
}

/** What the keychain's check needs: whether it answered, and how many items it holds. */
export function keychainFact(probe: KeychainProbe | undefined): DoctorFacts["keychain"] {
  if (probe === undefined) return undefined;
  return probe.kind === "ok" ? { kind: "ok", items: probe.items.length } : probe;
}

const STORE_LABELS: Record<StoreName, string> = {
  keychain: "the OS keychain",
  file: "a plaintext file, 0600",
  memory: "the cache only, lost when it stops",
};

export function checkStore(facts: Pick<DoctorFacts, "configFile" | "stores" | "keychain">): Finding[] {
  const area = "store";
  const findings: Finding[] = [];
  if (facts.configFile.kind === "error") {
    findings.push({
      area,
      status: "fail",
      message: facts.configFile.message,
      ...(facts.configFile.hint === undefined ? {} : { fix: facts.configFile.hint }),
    });
  }
  for (const use of facts.stores) {
    if (!STORE_NAMES.includes(use.store as StoreName)) {
      findings.push({
        area,
        status: "fail",
        message: `unknown store "${use.store}" (${use.source}); it must be one of ${STORE_NAMES.join(", ")}`,
        fix: 'git-credential-pat setup, or set "store" in config.json',
      });
      continue;
    }
    findings.push({
      area,
      status: "ok",
      message: `store "${use.store}": ${STORE_LABELS[use.store as StoreName]} (chosen by ${use.source})`,
    });
  }
  if (facts.keychain?.kind === "ok") {
    findings.push({
      area,
      status: "ok",
      message: `the keychain answers and is unlocked (${facts.keychain.items} item${facts.keychain.items === 1 ? "" : "s"} of git-credential-pat)`,
    });
  } else if (facts.keychain?.kind === "unavailable") {
    findings.push({
      area,
      status: "fail",
      message: facts.keychain.message,
      ...(facts.keychain.hint === undefined ? {} : { fix: facts.keychain.hint }),
    });
  }
  return findings;
}

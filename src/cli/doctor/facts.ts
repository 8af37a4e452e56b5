// What doctor knows before it judges: every fact its sections need, gathered once through Deps by
// the section that needs it (git.ts, helpers.ts, repository.ts, store.ts, files.ts, tokens.ts).
// Every judgement is made later by the pure checks. Tokens are never kept in the facts.
import type { ConfigEntry } from "../../git/inspect-config.js";
import type { Deps } from "../../platform/deps.js";
import { DEFAULTS, ENV, positiveInt } from "../../settings.js";
import type { StoredToken } from "../stored-tokens.js";
import { globalConfigFile } from "./config-place.js";
import { cachingSockets, gatherFiles, type PathFact, socketPathOf } from "./files.js";
import { type GitFact, gatherGit } from "./git.js";
import { patHelpers } from "./helpers.js";
import type { RepositoryFacts } from "./repository.js";
import {
  type ConfigFileFact,
  gatherConfigFile,
  keychainFact,
  probeKeychain,
  type StoreUse,
  storeUses,
} from "./store.js";
import { gatherAccountTokens, gatherTokenSources, type TokenFact } from "./tokens.js";

export interface DoctorFacts {
  nowMs: number;
  soonDays: number;
  /** This process's uid, to spot files owned by someone else; undefined on Windows. */
  uid: number | undefined;
  /** Paths this program runs from, to recognise it in credential.helper. */
  selfPaths: string[];
  git: GitFact;
  /** credential.*helper and url.* entries as git reads them from here (also outside a repository). */
  config: ConfigEntry[];
  /** The file `git config --global` edits (for the fix commands shown). */
  globalConfigFile: string;
  /** Hosts with a token (accounts and environment), lower case. */
  tokenHosts: string[];
  /** The hosts whose helper chain is checked: every host with a token, else github.com. */
  helperHosts: string[];
  /** Per host: the `credential.<url>` subsections git itself says match https://HOST. */
  helperMatches: Record<string, string[]>;
  /** Whether `git credential-pat` runs; only asked when a helper is configured as plain `pat`. */
  patOnPath: boolean | undefined;
  repository: RepositoryFacts;
  accounts:
    | { kind: "ok"; tokens: TokenFact[] }
    | { kind: "error"; message: string; hint: string | undefined };
  envTokens: Array<{ host: string; variable: string }>;
  /** Every token the stores hold, whoever stored it (a store that cannot be read is left out). */
  storedTokens: StoredToken[];
  configFile: ConfigFileFact;
  stores: StoreUse[];
  keychain:
    | { kind: "ok"; items: number }
    | { kind: "unavailable"; message: string; hint: string | undefined }
    | undefined;
  /** The socket git-credential-pat's cache listens on; undefined when every configured helper has --timeout=0. */
  socketPath: string | undefined;
  files: PathFact[];
}

/**
 * In dependency order: the hosts with a token pick the helper chains to read, the helpers pick
 * the stores and the socket, and the stores pick what else to look at.
 */
export async function gatherDoctorFacts(deps: Deps): Promise<DoctorFacts> {
  const nowMs = deps.clock.now();
  const selfPaths = deps.selfCommand.slice(-1);
  const configFile = await gatherConfigFile(deps);
  const config = configFile.kind === "ok" ? configFile.config : {};
  const sources = await gatherTokenSources(configFile, deps);
  const helperHosts = sources.tokenHosts.length > 0 ? sources.tokenHosts : ["github.com"];
  const git = await gatherGit(helperHosts, selfPaths, deps);
  // Which store and socket git-credential-pat runs with, as git will start it.
  const ours = patHelpers({ ...git, helperHosts, selfPaths });
  const stores = storeUses(ours, config, sources.accounts.kind === "ok" ? sources.accounts.list : [], deps);
  const sockets = cachingSockets(ours);
  const keychain = stores.some((use) => use.store === "keychain") ? await probeKeychain(deps) : undefined;
  const accounts = await gatherAccountTokens(sources.accounts, config, keychain, deps);
  return {
    nowMs,
    soonDays: positiveInt(deps.env[ENV.expiryWarningDays], DEFAULTS.expiryWarningDays),
    uid: deps.uid,
    selfPaths,
    ...git,
    globalConfigFile: await globalConfigFile(deps),
    tokenHosts: sources.tokenHosts,
    helperHosts,
    accounts,
    envTokens: sources.envTokens,
    storedTokens: sources.storedTokens,
    configFile,
    stores,
    keychain: keychainFact(keychain),
    socketPath: socketPathOf(sockets, deps),
    files: await gatherFiles(config, stores, sockets, deps),
  };
}

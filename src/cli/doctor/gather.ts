// Gathers what doctor knows, once, through Deps: each section's gatherer, in dependency order.
import type { Deps } from "../../platform/deps.js";
import { expiryWarningDays } from "../../settings.js";
import { installedBinary } from "../installed-binary.js";
import { gitHelperPath } from "../setup-plan.js";
import { globalConfigFile } from "./config-place.js";
import type { DoctorFacts } from "./facts.js";
import { cachingSockets, gatherFiles, socketPathOf } from "./files.js";
import { gatherGit } from "./git.js";
import { gatherHelperPaths, patHelpers } from "./helpers.js";
import { gatherConfigFile, keychainFact, probeKeychain, storeUses } from "./store.js";
import { gatherAccountTokens, gatherTokenSources } from "./tokens.js";

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
  const binary = await installedBinary(deps);
  const stores = storeUses(ours, config, sources.accounts.kind === "ok" ? sources.accounts.list : [], deps);
  const sockets = cachingSockets(ours);
  const keychain = stores.some((use) => use.store === "keychain") ? await probeKeychain(deps) : undefined;
  const accounts = await gatherAccountTokens(sources.accounts, config, keychain, deps);
  return {
    nowMs,
    soonDays: expiryWarningDays(deps.env),
    uid: deps.uid,
    selfPaths,
    ...git,
    platformBinary: binary && gitHelperPath(binary.path, deps.platform),
    helperPaths: await gatherHelperPaths(ours, deps),
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

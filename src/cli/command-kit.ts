// What people's commands share: reading a token, the persistent store, the GitHub client
// (loaded on use), and clearing slots from every cache daemon after the store changed.
import type { Account, AccountsData } from "../accounts/account.js";
import { accountSlot } from "../accounts/accounts.js";
import { updateAccounts, updateAccountsData } from "../accounts/accounts-file.js";
import {
  daemonRegistryDirs,
  type EraseEverywhereResult,
  eraseFromEveryDaemon,
} from "../cache/daemon-registry.js";
import { defaultSocketPath } from "../cache/socket-path.js";
import { loadConfig } from "../config/config-file.js";
import { exitCodeOf, UsageError } from "../errors.js";
import type { GithubApi } from "../github/types.js";
import { bunRuntime } from "../platform/bun-runtime.js";
import type { Deps } from "../platform/deps.js";
import { type Credential, matchCredential, printable, shellQuote } from "../protocol/index.js";
import { Secret } from "../secret.js";
import { apiTimeoutMs, ENV, type StoreName } from "../settings.js";
import { chooseStoreName, openStore } from "../stores/open-store.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import { type StoredToken, storedTokens } from "./stored-tokens.js";

/**
 * The token, from stdin (`--with-token`, gh's convention: first line, trimmed) or a no-echo prompt.
 * Never from argv or the environment.
 */
export async function readToken(withToken: boolean, prompt: string, deps: Deps): Promise<Secret> {
  const raw = withToken
    ? Buffer.from(await deps.io.readStdin({ maxBytes: 64 * 1024, timeoutMs: 30_000 }))
        .toString("utf8")
        .split(/\r?\n/)[0]
    : await deps.io.promptSecret(prompt);
  const token = (raw ?? "").trim();
  if (token === "") throw new UsageError(withToken ? "no token on standard input" : "no token entered");
  if (/[\s\0]/.test(token)) throw new UsageError("a token cannot contain spaces or control characters");
  return new Secret(token);
}

export interface PersistentStore {
  store: TokenStore;
  name: StoreName;
}

/** The configured store; `memory` keeps nothing past the cache, so commands that remember refuse it. */
export async function persistentStore(flag: string | undefined, deps: Deps): Promise<PersistentStore> {
  const config = await loadConfig(deps);
  const name = chooseStoreName(flag, config, deps.env);
  if (name === "memory") {
    throw new UsageError(
      'this command needs a store that persists; use "--store=keychain" or "--store=file"',
    );
  }
  return { store: await openStore(name, config, deps), name };
}

/**
 * The GitHub client for a host; the layer (Octokit) is imported only here. Every request is
 * bounded (GIT_CREDENTIAL_PAT_API_TIMEOUT_MS) and goes through the proxy the environment names:
 * bun's fetch reads HTTPS_PROXY/NO_PROXY itself, Node 20's ignores them, so under Node the
 * GitHub layer applies them (test/integration/api-proxy.test.ts runs both artifacts).
 */
export async function githubFor(host: string, apiUrl: string | undefined, deps: Deps): Promise<GithubApi> {
  const github = await import("../github/index.js");
  const url = apiUrl === undefined ? github.defaultApiUrl(host) : github.normalizeApiUrl(apiUrl);
  const fetch = bunRuntime() ? deps.fetch : github.envProxyFetch(deps.env, deps.fetch, deps.log);
  return github.createGithubApi(
    { apiUrl: url, timeoutMs: apiTimeoutMs(deps.env), timeoutSetting: ENV.apiTimeoutMs },
    { fetch, log: deps.log },
  );
}

/** One exchange with a cache daemon while clearing it (the helper's own bound, run-helper.ts). */
export const CACHE_CLEAR_TIMEOUT_MS = 1000;

/**
 * Erases `patterns` from every cache daemon of this user, so git does not keep getting a token
 * the store no longer holds: the daemon on the default socket and every daemon the registry
 * names (a custom --socket). Daemons run at once, each exchange bounded; records of daemons that
 * are gone are pruned. Never throws for a daemon: what could not be cleared is in the result
 * (reportUncleared tells the user).
 */
export async function forgetCached(
  patterns: readonly Credential[],
  deps: Deps,
): Promise<EraseEverywhereResult> {
  // The default socket with and without a runtime directory: the daemon may have started in a
  // session that had none (cron, some ssh logins), or this command may run in one.
  const defaults = [
    defaultSocketPath(deps.paths),
    defaultSocketPath({ ...deps.paths, runtimeDir: undefined }),
  ];
  return eraseFromEveryDaemon(defaults, patterns, { timeoutMs: CACHE_CLEAR_TIMEOUT_MS }, deps);
}

/**
 * Says on stderr which daemons may still hand git a removed token, and how to stop each one.
 * Returns whether there was any (the command then exits 1, after doing everything else).
 */
export function reportUncleared(result: EraseEverywhereResult, deps: Pick<Deps, "io" | "paths">): boolean {
  const say = (line: string) => deps.io.err.write(`${printable(line)}\n`);
  for (const { socketPath, reason } of result.uncleared) {
    say(`git-credential-pat: the cache daemon on ${socketPath} may still hand git the old token: ${reason}`);
    say(`hint: stop it: git-credential-pat --socket=${shellQuote(socketPath)} exit`);
  }
  if (result.registryProblem !== undefined) {
    say(
      `git-credential-pat: cache daemons on other sockets may still hand git the old token: only the default socket's was cleared, as the registry of daemons (${daemonRegistryDirs(deps.paths).join(", ")}) was not read: ${result.registryProblem}`,
    );
    say("hint: stop a daemon on another socket yourself: git-credential-pat --socket=PATH exit");
  }
  return result.uncleared.length > 0 || result.registryProblem !== undefined;
}

/** A store a command reads, with every entry it holds (and what is known about each token). */
export interface StoreInPlay {
  name: StoreName;
  store: TokenStore;
  tokens: StoredToken[];
}

/**
 * The stores a command about stored tokens reads, each with its entries: the one --store names;
 * else the stores in use (storesInUse: the configured one, where git keeps the tokens it stored
 * itself, and every store an account was logged in to). The default store nobody chose and no
 * account uses (the keychain over SSH) is passed over when this session cannot reach it, as list
 * and verify do, but only when another store could be read: with nothing read at all, the
 * command has nothing to go on and says why.
 */
export async function storesInPlay(
  flag: string | undefined,
  data: AccountsData,
  deps: Deps,
): Promise<StoreInPlay[]> {
  if (flag !== undefined) {
    const { store, name } = await persistentStore(flag, deps);
    return [{ name, store, tokens: await storedTokens(store, data) }];
  }
  const inUse = await storesInUse(data.accounts, deps);
  // Only the cache holds tokens with --store=memory: nothing persists for a command to change.
  if (inUse.length === 0) return [{ ...(await persistentStore(undefined, deps)), tokens: [] }];
  const stores: StoreInPlay[] = [];
  let passedOver: unknown;
  for (const { name, store, isOnlyDefault } of inUse) {
    try {
      stores.push({ name, store, tokens: await storedTokens(store, data) });
    } catch (error) {
      // By exit code: the keychain's errors come from the binary's other bundle (errors.ts exitCodeOf).
      if (!isOnlyDefault || exitCodeOf(error) !== 5) throw error;
      deps.log.debug(`${name} store passed over: ${error instanceof Error ? error.message : String(error)}`);
      passedOver = error;
    }
  }
  if (stores.length === 0 && passedOver !== undefined) throw passedOver;
  return stores;
}

/** How to take back one change to a store, should accounts.json not be written after it. */
export type Undo = () => Promise<void>;

/**
 * Changes the stores and accounts.json together, as commitAccountChange does for one slot:
 * `change` runs with accounts.json's lock held, gets its current content (read under the lock),
 * changes the stores, pushing onto `undo` how to take back each step, and returns the new
 * content. If accounts.json then cannot be written (a full disk), the steps are taken back,
 * newest first. Callers run it inside deps.deferSignals.
 */
export async function commitStoreChange(
  change: (data: AccountsData, undo: Undo[]) => Promise<AccountsData>,
  deps: Deps,
): Promise<AccountsData> {
  const undo: Undo[] = [];
  try {
    return await updateAccountsData((data) => change(data, undo), deps);
  } catch (error) {
    for (const step of undo.reverse()) {
      // Deliberately ignored: the error that made us undo is the one to report.
      await step().catch(() => {});
    }
    throw error;
  }
}

/**
 * commitStoreChange, then the slots `forgotten` names (asked once the change is written) cleared
 * from every cache daemon (forgetCached), all before SIGINT/SIGTERM take effect. Returns what the
 * daemons could not clear (reportUncleared says it).
 */
export async function commitAndForgetCached(
  change: (data: AccountsData, undo: Undo[]) => Promise<AccountsData>,
  forgotten: () => readonly Credential[],
  deps: Deps,
): Promise<EraseEverywhereResult> {
  return deps.deferSignals(async () => {
    await commitStoreChange(change, deps);
    return forgetCached(forgotten(), deps);
  });
}

/**
 * Stores `entries` again, as they were, each in its own slot alone (exactSlot: a host-wide entry
 * put back must not drop that name's entries under a path).
 */
export async function putBack(store: TokenStore, entries: readonly StoredCredential[]): Promise<void> {
  // Last first: each store writes its entry at the top, so the first ends up first again.
  for (const entry of [...entries].reverse()) await store.store(entry, { exactSlot: true });
}

/**
 * Changes one account's slot in the store (a new token, or none) and accounts.json together:
 * the store is changed while accounts.json's lock is held, so a broken or unwritable accounts
 * file stops the command before the store changes; if accounts.json then cannot be written
 * (a full disk), the slot's old entries are put back. SIGINT/SIGTERM wait for the end.
 */
export async function commitAccountChange(
  store: TokenStore,
  slot: { host: string; login: string },
  token: Secret | undefined,
  mutate: (accounts: Account[]) => Account[],
  deps: Deps,
): Promise<void> {
  const pattern = accountSlot(slot);
  await deps.deferSignals(async () => {
    let before: Awaited<ReturnType<TokenStore["list"]>> | undefined;
    try {
      await updateAccounts(async (accounts) => {
        const next = mutate(accounts);
        const old = (await store.list()).filter((entry) =>
          matchCredential(pattern, entry, { matchPassword: false }),
        );
        if (token) await store.store({ ...pattern, password: token });
        else await store.erase(pattern);
        before = old;
        return next;
      }, deps);
    } catch (error) {
      if (before) await restoreSlot(store, pattern, before);
      throw error;
    }
    // login's way since before the registry: a daemon it cannot clear only delays the new token.
    await forgetCached([pattern], deps);
  });
}

async function restoreSlot(
  store: TokenStore,
  pattern: { protocol: string; host: string; username: string },
  entries: Awaited<ReturnType<TokenStore["list"]>>,
): Promise<void> {
  try {
    await store.erase(pattern);
    for (const entry of [...entries].reverse()) await store.store(entry);
  } catch {
    // Deliberately ignored: the error that made us restore is the one to report, and the
    // store then holds the new token, which GitHub accepted.
  }
}

/**
 * The persistent stores whose tokens people's commands show and check: the configured one (unless
 * it is `memory`: nothing persists there) and every other store an account was logged in to.
 */
export async function storesInUse(
  accounts: readonly Account[],
  deps: Deps,
): Promise<Array<{ name: StoreName; store: TokenStore; isOnlyDefault: boolean }>> {
  const config = await loadConfig(deps);
  const configured = chooseStoreName(undefined, config, deps.env);
  const names = [...new Set<StoreName>([configured, ...accounts.map((account) => account.store)])].filter(
    (name) => name !== "memory",
  );
  // The default store nobody chose and no account uses: one a command may pass over quietly
  // when this session cannot reach it (the keychain over SSH).
  const isChosen = Boolean(deps.env[ENV.store] || config.store);
  return Promise.all(
    names.map(async (name) => ({
      name,
      store: await openStore(name, config, deps),
      isOnlyDefault: !isChosen && !accounts.some((account) => account.store === name),
    })),
  );
}

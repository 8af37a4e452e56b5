// What people's commands share: reading a token, the persistent store, the GitHub client
// (loaded on use), and clearing a slot from the cache after the store changed.
import type { Account } from "../accounts/account.js";
import { updateAccounts } from "../accounts/accounts-file.js";
import { SocketCacheClient } from "../cache/client.js";
import { defaultSocketPath } from "../cache/socket-path.js";
import { loadConfig } from "../config/config-file.js";
import { UsageError } from "../errors.js";
import type { GithubApi } from "../github/types.js";
import { bunRuntime } from "../platform/bun-runtime.js";
import type { Deps } from "../platform/deps.js";
import { matchCredential } from "../protocol/index.js";
import { Secret } from "../secret.js";
import { apiTimeoutMs, ENV } from "../settings.js";
import { chooseStoreName, openStore } from "../stores/open-store.js";
import type { StoreName, TokenStore } from "../stores/token-store.js";

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

/** Drops a slot from the cache daemon (if one runs) so git does not keep using the old token. */
export async function forgetCached(host: string, login: string, deps: Deps): Promise<void> {
  const cache = new SocketCacheClient({ socketPath: defaultSocketPath(deps.paths), timeoutMs: 1000 }, deps);
  await cache.erase({ protocol: "https", host, username: login }).catch(() => {
    // A cache we cannot reach holds nothing we could clear; its entries expire on their own.
  });
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
  const pattern = { protocol: "https", host: slot.host, username: slot.login };
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
    await forgetCached(slot.host, slot.login, deps);
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

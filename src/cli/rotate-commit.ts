// rotate's write: the new token into every slot that held the old one (else the account's own),
// and what GitHub said about it into accounts.json, all while accounts.json's lock is held
// (commitStoreChange), each store step with its undo; then the old token out of every cache
// daemon; SIGINT/SIGTERM wait for the end.
import type { Account, AccountsData, TokenFacts } from "../accounts/account.js";
import { accountSlot, findAccount, sameHost, upsertAccount } from "../accounts/accounts.js";
import { dropFacts, factsOfCheck, tokenCheck, upsertFacts, withTokenFacts } from "../accounts/token-facts.js";
import type { EraseEverywhereResult } from "../cache/daemon-registry.js";
import { NotFoundError, UsageError } from "../errors.js";
import type { TokenInfo } from "../github/types.js";
import type { Deps } from "../platform/deps.js";
import { type Credential, isHttpProtocol, shownName, slotOf } from "../protocol/index.js";
import { isTokenKeptAsUsername, type Secret } from "../secret.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import { commitAndForgetCached, putBack, type StoreInPlay, type Undo } from "./command-kit.js";
import { tokensOnHost } from "./select-tokens.js";
import { type StoredToken, storedTokens } from "./stored-tokens.js";

/** What rotate changes: the login's token on a host, for a new one GitHub has checked. */
export interface Rotation {
  host: string;
  login: string;
  /** The new token. */
  token: Secret;
  /** The stored token it replaces; undefined when the login has none left (the account's slot gets it). */
  old: StoredToken | undefined;
  stores: readonly StoreInPlay[];
  /** What GitHub said about the new token, asked at `apiUrl`, at `checkedAtMs`. */
  info: TokenInfo;
  apiUrl: string | undefined;
  checkedAtMs: number;
  /** --api-url, recorded on the account when given. */
  apiUrlFlag: string | undefined;
  /** --store, named when it leaves out the account's store. */
  storeFlag: string | undefined;
}

/** One entry that held the old token, and the store it is in. */
export interface Replaced {
  storeName: string;
  credential: StoredCredential;
}

/**
 * Writes the rotation. Returns the entries it replaced (the account's slot, when it filled that)
 * and what the cache daemons could not clear.
 */
export async function commitRotation(
  rotation: Rotation,
  deps: Deps,
): Promise<{ replaced: Replaced[]; cleared: EraseEverywhereResult }> {
  const { host, login, old } = rotation;
  const replaced: Replaced[] = [];
  const cleared = await commitAndForgetCached(
    async (current, undo) => {
      replaced.length = 0;
      if (old) await replaceOldToken(rotation, old, undo, replaced);
      const currentAccount = findAccount(current.accounts, host, login);
      // No stored token to replace (the account's was removed): the account's own slot, as ever.
      if (replaced.length === 0) await fillAccountSlot(rotation, currentAccount, undo, replaced);
      return rotatedData(rotation, currentAccount, current);
    },
    () => cachePatterns(host, old?.credential.password, replaced),
    deps,
  );
  return { replaced, cleared };
}

/** The new token into every entry on the host that holds the old one, in every store. */
async function replaceOldToken(
  { host, token, stores, info }: Rotation,
  old: StoredToken,
  undo: Undo[],
  replaced: Replaced[],
): Promise<void> {
  const holdsOld = holds(host, old.credential.password);
  for (const { name, store } of stores) {
    const before = await store.list();
    const holders = before.filter(holdsOld);
    if (holders.length === 0) continue;
    undo.push(restore(store, before, host, token));
    // The new token into every slot that held the old one, each in one write of that slot
    // alone (file: a rename; keychain: one item), so a git running meanwhile gets the old
    // token or the new, never none, and entries under a path (git's copies per repository,
    // a token of another repository) are not dropped by a host-wide write.
    for (const entry of holders) {
      await store.store({ ...slotOf(entry), password: token, ...expiryOf(info) }, { exactSlot: true });
      replaced.push({ storeName: name, credential: entry });
    }
    // Then whatever still holds the old token: a copy git stored in a slot of its own meanwhile.
    for (const entry of (await store.list()).filter(holdsOld)) {
      await store.erase({ ...slotOf(entry), password: old.credential.password });
      replaced.push({ storeName: name, credential: entry });
    }
  }
}

/** The new token into the account's own slot, in the account's own store. */
async function fillAccountSlot(
  { host, login, token, stores, info, storeFlag }: Rotation,
  account: Account | undefined,
  undo: Undo[],
  replaced: Replaced[],
): Promise<void> {
  if (!account) throw new NotFoundError(`no token stored for ${shownName(login)}@${host}; nothing changed`);
  // The account's own store: with --store naming another, git would keep getting the old token.
  const target = stores.find(({ name }) => name === account.store);
  if (!target)
    throw new UsageError(
      `${shownName(login)}@${host}'s token is kept in ${account.store}, which --store=${storeFlag} leaves out; nothing changed`,
      { hint: `run it with --store=${account.store}, or without --store` },
    );
  const slot = accountSlot(account);
  undo.push(restore(target.store, await target.store.list(), host, token));
  await target.store.store({ ...slot, password: token, ...expiryOf(info) }, { exactSlot: true });
  replaced.push({ storeName: target.name, credential: { ...slot, password: token } });
}

/**
 * accounts.json after the swap. What GitHub said about the new token, as recordCheck records a
 * check, but in this same write: the swap and the facts land together or not at all (recordCheck
 * takes the lock itself, so it cannot run in here). The entries already carry the expiry.
 */
async function rotatedData(
  { host, token, old, stores, info, apiUrl, checkedAtMs, apiUrlFlag }: Rotation,
  account: Account | undefined,
  current: AccountsData,
): Promise<AccountsData> {
  const facts = factsOfCheck(host, token, tokenCheck(info, "valid", apiUrl), checkedAtMs);
  return {
    accounts: account
      ? upsertAccount(current.accounts, rotatedAccount(account, facts, apiUrlFlag))
      : current.accounts,
    // The old token's facts go, unless an entry rotate does not rewrite (a remote URL's) still holds it.
    tokens: upsertFacts(
      old && !(await isStillHeld(old.token, host, stores, current))
        ? dropFacts(current.tokens, host, new Set([old.fingerprint]))
        : current.tokens,
      facts,
    ),
  };
}

/** The expiry GitHub gave the new token, which every entry written carries. */
function expiryOf(info: TokenInfo): { passwordExpiresAtMs?: number } {
  return info.expiresAtMs === undefined ? {} : { passwordExpiresAtMs: info.expiresAtMs };
}

function isOnHost(entry: StoredCredential, host: string): boolean {
  return isHttpProtocol(entry.protocol) && sameHost(entry.host, host);
}

/** Whether an entry on `host` holds `secret` as its password (not a token kept as the username). */
function holds(host: string, secret: Secret): (entry: StoredCredential) => boolean {
  return (entry) =>
    isOnHost(entry, host) &&
    entry.password.equals(secret) &&
    !isTokenKeptAsUsername(entry.username, entry.password);
}

/** Undoes a store's changes: the new token out, what the host had before back in. */
function restore(store: TokenStore, before: readonly StoredCredential[], host: string, token: Secret): Undo {
  return async () => {
    for (const entry of (await store.list()).filter(holds(host, token)))
      await store.erase({ ...slotOf(entry), password: token });
    await putBack(
      store,
      before.filter((entry) => isOnHost(entry, host)),
    );
  };
}

/** Whether any entry on `host` in `stores` still holds `token` (as its password or its username). */
async function isStillHeld(
  token: Secret,
  host: string,
  stores: readonly StoreInPlay[],
  data: AccountsData,
): Promise<boolean> {
  for (const { store } of stores)
    if (tokensOnHost(await storedTokens(store, data), host).some((entry) => entry.token.equals(token)))
      return true;
  return false;
}

/** The account with its new token's facts, rotated at the check's time; `apiUrl` when given. */
function rotatedAccount(account: Account, facts: TokenFacts, apiUrl: string | undefined): Account {
  return {
    ...withTokenFacts(account, facts),
    ...(apiUrl === undefined ? {} : { apiUrl }),
    rotatedAtMs: facts.checkedAtMs,
  };
}

/** The old token's slots in the cache daemons: every spelling that held it, any path, only that token. */
function cachePatterns(host: string, old: Secret | undefined, replaced: readonly Replaced[]): Credential[] {
  const patterns = new Map<string, Credential>();
  for (const { credential } of replaced) {
    const key = `${credential.protocol}\0${credential.username}`;
    if (patterns.has(key)) continue;
    const { protocol, username } = credential;
    patterns.set(key, {
      protocol,
      host: credential.host ?? host,
      username,
      // Without a stored old token, the account's slot, whatever the cache holds there.
      ...(old === undefined ? {} : { password: old }),
    });
  }
  return [...patterns.values()];
}

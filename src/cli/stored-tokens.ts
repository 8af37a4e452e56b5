// The one truth for people's commands: every credential the store holds, whoever stored it (login,
// git's prompt, import), joined with what is known about its token (accounts.json), and the one
// way to record what GitHub said about a token.
import type { AccountsData, TokenFacts } from "../accounts/account.js";
import { sameHost } from "../accounts/accounts.js";
import { updateAccountsData } from "../accounts/accounts-file.js";
import {
  factsOfCheck,
  findFacts,
  type TokenCheck,
  upsertFacts,
  withTokenFacts,
} from "../accounts/token-facts.js";
import type { Deps } from "../platform/deps.js";
import { fingerprint, isTokenKeptAsUsername, Secret, type TokenKind, tokenKind } from "../secret.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";

export interface StoredToken {
  /** One entry of the store (a slot: protocol, host, path, username; and its token). */
  credential: StoredCredential;
  /**
   * git keeps the token as the username (`https://TOKEN@github.com/…`), with a placeholder
   * password (x-oauth-basic, ""): the token is the username, and fingerprint and kind are its.
   */
  isTokenAsUsername: boolean;
  /** The token git authenticates with: the password, or the username when it is kept there. */
  token: Secret;
  fingerprint: string;
  /** From the token's prefix: known without asking GitHub. */
  kind: TokenKind;
  /** What GitHub said about this token, when anyone asked; undefined = never verified. */
  facts: TokenFacts | undefined;
  /** When it stops working: what git handed the store, else what GitHub said. */
  expiresAtMs: number | undefined;
}

/** Every entry the store holds, in store order, with its facts. */
export async function storedTokens(store: TokenStore, data: AccountsData): Promise<StoredToken[]> {
  return (await store.list()).map((credential) => {
    const isTokenAsUsername = isTokenKeptAsUsername(credential.username, credential.password);
    const token = isTokenAsUsername ? new Secret(credential.username) : credential.password;
    const print = fingerprint(token);
    const facts = findFacts(data, credential.host, print);
    return {
      credential,
      isTokenAsUsername,
      token,
      fingerprint: print,
      kind: tokenKind(token),
      facts,
      expiresAtMs: credential.passwordExpiresAtMs ?? facts?.expiresAtMs,
    };
  });
}

/**
 * Records what GitHub said about `token` on `host`: its facts in accounts.json (and an account's
 * own record of that very token, for files read by older versions), and its expiry in the store,
 * beside every entry holding it on that host, so git gets password_expiry_utc and `get` stops
 * serving it once it has passed. The store keeps what it already knew of the token otherwise.
 * A token no longer on the host in `store` (a logout or rotate finished while GitHub was asked)
 * gets nothing recorded: undefined. The store is read under accounts.json's lock, which logout
 * and rotate hold while they change it, so the answer cannot go stale before the facts are written.
 */
export async function recordCheck(
  store: TokenStore,
  host: string,
  token: Secret,
  result: TokenCheck,
  deps: Deps,
): Promise<TokenFacts | undefined> {
  const facts = factsOfCheck(host, token, result, deps.clock.now());
  let held = false;
  await updateAccountsData(async (data) => {
    held = (await store.list()).some((entry) => sameHost(entry.host, host) && entry.password.equals(token));
    return held ? withFacts(data, facts) : data;
  }, deps);
  if (!held) return undefined;
  if (facts.expiresAtMs !== undefined) {
    for (const entry of await store.list()) {
      if (
        sameHost(entry.host, host) &&
        entry.password.equals(token) &&
        entry.passwordExpiresAtMs !== facts.expiresAtMs
      ) {
        // That entry alone (a host-wide store would replace the user's path entries), in place, and
        // only while it still holds this token: a logout or rotate since the listing stays done.
        await store.store(
          { ...entry, passwordExpiresAtMs: facts.expiresAtMs },
          { exactSlot: true, onlyIfHeld: true },
        );
      }
    }
  }
  return facts;
}

/** `facts` recorded, and in the account logged in with that very token (read by older versions). */
function withFacts(data: AccountsData, facts: TokenFacts): AccountsData {
  return {
    tokens: upsertFacts(data.tokens, facts),
    accounts: data.accounts.map((account) =>
      sameHost(account.host, facts.host) && account.fingerprint === facts.fingerprint
        ? withTokenFacts(account, facts)
        : account,
    ),
  };
}

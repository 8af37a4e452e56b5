// The one interface every persistent store implements; its semantics are spelled out
// (and checked for every backend) in test/contract/token-store.contract.ts.
import type { Credential, MatchOptions } from "../protocol/index.js";
import type { Secret } from "../secret.js";
import type { StoreName } from "../settings.js";

/** A credential as stored: protocol, host, username and password are always present. */
export interface StoredCredential extends Credential {
  protocol: string;
  host: string;
  username: string;
  password: Secret;
}

/** How a store replaces what it holds (TokenStore.store). */
export interface StoreOptions {
  /**
   * Replace only the entry in exactly this slot (same protocol, host, path and username, a
   * missing path included). Without it a credential without a path also replaces that user's
   * entries for every path, as git's store_credential does; `import` keeps both the repository
   * lines and the account-wide line of a git-credential-store file with it.
   */
  exactSlot?: boolean;
  /**
   * Only when the exact slot holds this very password already: the store then keeps the
   * credential's attributes (an expiry GitHub reported) beside the token, where the entry is
   * (its place in the file, and so git's precedence, unchanged), and never brings back a token
   * another process removed or replaced since the caller listed the store. Otherwise nothing is
   * written. (recordCheck: verify and the learner write what they learned this way.)
   */
  onlyIfHeld?: boolean;
}

export interface TokenStore {
  readonly name: StoreName;
  /** The first stored credential that `pattern` matches (matchCredential with `options`), if any. */
  get(pattern: Credential, options?: MatchOptions): Promise<StoredCredential | undefined>;
  /**
   * Replaces every entry with the same protocol, host, path and username, then keeps
   * `credential`: the attributes this store keeps (protocol/attributes.ts), and no others.
   * A credential without a path replaces the user's entries for any path too, unless
   * `options.exactSlot`. Resolves to true when that slot did not already hold this very
   * password (a new slot, or a new token in it), false when it did: git stores the token again
   * after every successful use, and only a token new to its slot is worth learning about
   * (helper/learn-trigger.ts).
   */
  store(credential: StoredCredential, options?: StoreOptions): Promise<boolean>;
  /**
   * Removes every entry `pattern` matches; when the pattern carries a password only entries
   * with that password go. Returns how many were removed.
   */
  erase(pattern: Credential): Promise<number>;
  /** Every stored credential, in store order. */
  list(): Promise<StoredCredential[]>;
}

// The cache daemon's memory: credentials with a deadline. Pure: every method takes `now`,
// and sweep() says when the next entry expires so the daemon sleeps exactly that long
// (git's credential-cache--daemon check_expirations).
import {
  type Credential,
  isSameSlot,
  keepFor,
  type MatchOptions,
  matchCredential,
  slotOf,
  withKnownExtras,
} from "../protocol/index.js";

/** What the cache keeps: any credential git would cache (attributes.ts "memory"), with its address. */
export interface CachedCredential extends Credential {
  protocol: string;
  host: string;
}

interface Entry {
  credential: CachedCredential;
  expiresAtMs: number;
}

export class CacheTable {
  #entries: Entry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Caches what the cache keeps of `stored` for `ttlMs`, but never past its token's own expiry,
   * with what was known of that same token and is not handed over again (withKnownExtras). First
   * removes every entry its slot matches, as git's daemon does (remove_credential with the
   * credential as the pattern).
   */
  put(stored: CachedCredential, ttlMs: number, now: number): void {
    this.sweep(now);
    const known = this.#entries.find((entry) => isSameSlot(entry.credential, stored))?.credential;
    const credential = withKnownExtras("memory", stored, known);
    const expiresAtMs = Math.min(now + ttlMs, credential.passwordExpiresAtMs ?? Number.POSITIVE_INFINITY);
    const slot = slotOf(credential);
    this.#entries = this.#entries.filter((entry) => !matchCredential(slot, entry.credential));
    if (expiresAtMs > now) this.#entries.unshift({ credential: keepFor("memory", credential), expiresAtMs });
  }

  /** The most recently cached live entry that `pattern` matches. */
  get(pattern: Credential, now: number, options?: MatchOptions): CachedCredential | undefined {
    this.sweep(now);
    return this.#entries.find((entry) => matchCredential(pattern, entry.credential, options))?.credential;
  }

  /** Removes matching entries (only those with the pattern's password, when it has one). */
  erase(pattern: Credential, now: number): number {
    this.sweep(now);
    const before = this.#entries.length;
    this.#entries = this.#entries.filter(
      (entry) => !matchCredential(pattern, entry.credential, { matchPassword: true }),
    );
    return before - this.#entries.length;
  }

  /** Drops expired entries; returns ms until the next one expires, or 0 when the table is empty. */
  sweep(now: number): number {
    this.#entries = this.#entries.filter((entry) => entry.expiresAtMs > now);
    if (this.#entries.length === 0) return 0;
    return Math.min(...this.#entries.map((entry) => entry.expiresAtMs)) - now;
  }
}

// The cache daemon's memory: credentials with a deadline. Pure: every method takes `now`,
// and sweep() says when the next entry expires so the daemon sleeps exactly that long
// (git's credential-cache--daemon check_expirations).
import { type Credential, matchCredential } from "../protocol/index.js";
import type { StoredCredential } from "../stores/token-store.js";

interface Entry {
  credential: StoredCredential;
  expiresAtMs: number;
}

export class CacheTable {
  #entries: Entry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Caches `credential` for `ttlMs`, but never past its token's own expiry. Replaces the
   * entry for the same slot (protocol, host, path, username), like every store.
   */
  put(credential: StoredCredential, ttlMs: number, now: number): void {
    const expiresAtMs = Math.min(now + ttlMs, credential.passwordExpiresAtMs ?? Number.POSITIVE_INFINITY);
    const { password: _password, passwordExpiresAtMs: _expiry, ...slot } = credential;
    this.#entries = this.#entries.filter((entry) => !matchCredential(slot, entry.credential));
    if (expiresAtMs > now) this.#entries.unshift({ credential, expiresAtMs });
  }

  /** The most recently cached live entry that `pattern` matches. */
  get(pattern: Credential, now: number): StoredCredential | undefined {
    this.sweep(now);
    return this.#entries.find((entry) => matchCredential(pattern, entry.credential))?.credential;
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

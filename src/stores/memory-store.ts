// An in-process store: the reference implementation of the contract, and the test double.
// It keeps what the cache daemon keeps (attributes.ts "memory").
import {
  type Credential,
  isSameSlot,
  keepFor,
  type MatchOptions,
  matchCredential,
  slotOf,
  withKnownExtras,
} from "../protocol/index.js";
import type { StoredCredential, StoreOptions, TokenStore } from "./token-store.js";

export class MemoryTokenStore implements TokenStore {
  readonly name = "memory" as const;
  #entries: StoredCredential[] = [];

  async get(pattern: Credential, options?: MatchOptions): Promise<StoredCredential | undefined> {
    return this.#entries.find((entry) => matchCredential(pattern, entry, options));
  }

  async list(): Promise<StoredCredential[]> {
    return [...this.#entries];
  }

  async store(credential: StoredCredential, options: StoreOptions = {}): Promise<boolean> {
    const known = this.#entries.find((entry) => isSameSlot(entry, credential));
    if (options.onlyIfHeld) {
      // In place, and only for the token the slot still holds.
      if (known?.password.equals(credential.password)) {
        this.#entries = this.#entries.map((entry) =>
          entry === known ? keepFor("memory", withKnownExtras("memory", credential, known)) : entry,
        );
      }
      return false;
    }
    const replaces = (entry: StoredCredential) =>
      options.exactSlot ? isSameSlot(credential, entry) : matchCredential(slotOf(credential), entry);
    this.#entries = [
      keepFor("memory", withKnownExtras("memory", credential, known)),
      ...this.#entries.filter((entry) => !replaces(entry)),
    ];
    return !known?.password.equals(credential.password);
  }

  async erase(pattern: Credential): Promise<number> {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter(
      (entry) => !matchCredential(pattern, entry, { matchPassword: true }),
    );
    return before - this.#entries.length;
  }
}

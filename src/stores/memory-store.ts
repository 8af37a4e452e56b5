// An in-process store: the reference implementation of the contract, and the test double.
import { type Credential, matchCredential } from "../protocol/index.js";
import { type StoredCredential, slotOf, type TokenStore } from "./token-store.js";

export class MemoryTokenStore implements TokenStore {
  readonly name = "memory" as const;
  #entries: StoredCredential[] = [];

  async get(pattern: Credential): Promise<StoredCredential | undefined> {
    return this.#entries.find((entry) => matchCredential(pattern, entry));
  }

  async list(): Promise<StoredCredential[]> {
    return [...this.#entries];
  }

  async store(credential: StoredCredential): Promise<void> {
    this.#entries = [
      { ...credential },
      ...this.#entries.filter((entry) => !matchCredential(slotOf(credential), entry)),
    ];
  }

  async erase(pattern: Credential): Promise<number> {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter(
      (entry) => !matchCredential(pattern, entry, { matchPassword: true }),
    );
    return before - this.#entries.length;
  }
}

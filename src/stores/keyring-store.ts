// The `keychain` store: one OS keychain item per credential, service "git-credential-pat",
// account = the credential's URL without the password ("https://alice@github.com[/acme/app.git]").
// One service lets a lookup without a username enumerate every candidate and apply git's matching.
// The item's secret is the password, then the other attributes the keychain keeps as key=value
// lines (password_expiry_utc, oauth_refresh_token), the layout git's own libsecret helper uses.
import type { Keyring } from "../platform/deps.js";
import {
  type Credential,
  isSameSlot,
  keptExtras,
  type MatchOptions,
  matchCredential,
  parseCredentialUrl,
  parseRequest,
  pickFields,
  printable,
  serializeCredential,
  slotOf,
  withKnownExtras,
} from "../protocol/index.js";
import { Secret } from "../secret.js";
import { formatCredentialUrl } from "./credential-file.js";
import type { StoredCredential, StoreOptions, TokenStore } from "./token-store.js";

export const KEYCHAIN_SERVICE = "git-credential-pat";

/** The account name of a credential's keychain item: its URL without the password. */
export function keychainAccount(credential: StoredCredential): string {
  return formatCredentialUrl(credential);
}

/** The slot an account name stands for; undefined for an item that is not ours. */
export function parseKeychainAccount(account: string): Omit<StoredCredential, "password"> | undefined {
  const parsed = parseCredentialUrl(account);
  if (parsed.kind === "invalid") return undefined;
  const { protocol, host, username, password } = parsed.credential;
  if (!protocol || !host || username === undefined || password !== undefined) return undefined;
  return { ...slotOf(parsed.credential), protocol, host, username };
}

/** The item's secret: the password, then one `\nkey=value` per attribute the keychain keeps beyond it. */
export function keychainSecret(credential: StoredCredential): string {
  const extras = serializeCredential(credential, keptExtras("keychain"));
  return extras === ""
    ? credential.password.reveal()
    : `${credential.password.reveal()}\n${extras.slice(0, -1)}`;
}

/** The password and attributes of an item's secret; undefined for a secret that is not ours. */
export function parseKeychainSecret(secret: string): Credential | undefined {
  const newline = secret.indexOf("\n");
  const password = newline === -1 ? secret : secret.slice(0, newline);
  if (/[\r\0]/.test(password)) return undefined;
  if (newline === -1) return { password: new Secret(password) };
  const parsed = parseRequest(secret.slice(newline + 1));
  if (parsed.kind === "invalid" || /\r/.test(secret)) return undefined;
  return {
    ...pickFields<Credential>(parsed.request, keptExtras("keychain")),
    password: new Secret(password),
  };
}

export interface KeyringStoreDeps {
  keyring: () => Promise<Keyring>;
  /** Where warnings about foreign or damaged items go (stderr in production). */
  warn: (message: string) => void;
  /**
   * Runs a read-compare-write of items while no other helper process writes any. The Secret
   * Service has no compare-and-delete: without it, an erase that read the old token could delete
   * the newer one another git process stored meanwhile. Absent: no other writer (tests).
   */
  exclusive?: <T>(run: () => Promise<T>) => Promise<T>;
}

interface Item {
  account: string;
  /** The item's secret as the keychain holds it. */
  secret: string;
  credential: StoredCredential;
}

export class KeyringTokenStore implements TokenStore {
  readonly name = "keychain" as const;

  constructor(private readonly deps: KeyringStoreDeps) {}

  async get(pattern: Credential, options?: MatchOptions): Promise<StoredCredential | undefined> {
    return (await this.items()).find((item) => matchCredential(pattern, item.credential, options))
      ?.credential;
  }

  async list(): Promise<StoredCredential[]> {
    return (await this.items()).map((item) => item.credential);
  }

  // store and erase list the items under the lock, and decide from that listing alone. A listing
  // read before the lock may miss an item another process stored since, and a decision from it
  // could delete that process's newer item while keeping an older one no serial run keeps.
  // The listing carries every item's secret, so it also replaces reading items one by one.

  async store(credential: StoredCredential, options: StoreOptions = {}): Promise<boolean> {
    const keyring = await this.deps.keyring();
    const account = keychainAccount(credential);
    const slot = slotOf(credential);
    const replaces = (entry: Credential) =>
      options.exactSlot ? isSameSlot(slot, entry) : matchCredential(slot, entry);
    return this.exclusive(async () => {
      const items = await this.items();
      const known = items.find((item) => item.account === account)?.credential;
      const isHeld = known?.password.equals(credential.password) === true;
      if (options.onlyIfHeld) {
        // Attributes beside a token the item still holds; never a token back in a slot that lost it.
        if (isHeld) {
          await keyring.set(
            KEYCHAIN_SERVICE,
            account,
            keychainSecret(withKnownExtras("keychain", credential, known)),
          );
        }
        return false;
      }
      const secret = keychainSecret(withKnownExtras("keychain", credential, known));
      // git sends store after every successful use: skip the keychain write when nothing changed.
      if (!items.some((item) => item.account === account && item.secret === secret)) {
        await keyring.set(KEYCHAIN_SERVICE, account, secret);
      }
      for (const item of items) {
        if (item.account !== account && replaces(item.credential)) {
          await keyring.delete(KEYCHAIN_SERVICE, item.account);
        }
      }
      return !known?.password.equals(credential.password);
    });
  }

  async erase(pattern: Credential): Promise<number> {
    const keyring = await this.deps.keyring();
    return this.exclusive(async () => {
      let removed = 0;
      // With a password, only items that hold it now go (git's "never erase a newer token").
      for (const item of await this.items()) {
        if (!matchCredential(pattern, item.credential, { matchPassword: true })) continue;
        if (await keyring.delete(KEYCHAIN_SERVICE, item.account)) removed++;
      }
      return removed;
    });
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    return this.deps.exclusive ? this.deps.exclusive(run) : run();
  }

  /** Our items, parsed; an item whose account is not one of our URLs is skipped with a warning, never touched. */
  private async items(): Promise<Item[]> {
    const keyring = await this.deps.keyring();
    const items: Item[] = [];
    for (const { account, password: secret } of await keyring.findAll(KEYCHAIN_SERVICE)) {
      const slot = parseKeychainAccount(account);
      const held = parseKeychainSecret(secret);
      if (!slot || !held?.password) {
        this.deps.warn(
          `ignoring keychain item "${printable(account)}" (service ${KEYCHAIN_SERVICE}): not a credential of ours`,
        );
        continue;
      }
      items.push({ account, secret, credential: { ...slot, ...held, password: held.password } });
    }
    return items;
  }
}

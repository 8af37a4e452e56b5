// An Account with plain defaults, for tests that only care about a few fields.
import type { Account } from "../../src/accounts/account.js";

export function account(host: string, login: string, extra: Partial<Account> = {}): Account {
  return {
    host,
    login,
    kind: "classic",
    fingerprint: "0123abcd",
    isDefault: false,
    owners: [],
    store: "keychain",
    ...extra,
  };
}

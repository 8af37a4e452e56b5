// Pure operations on the list of accounts (accounts.json's "accounts"): no I/O.
// Invariant kept by every change: a host with accounts has exactly one default.
import type { Account } from "./account.js";

/**
 * The slot an account's token lives in, as `login` writes it and git asks for it: https, the
 * host, the login as the username, no path.
 */
export function accountSlot(account: { host: string; login: string }): {
  protocol: "https";
  host: string;
  username: string;
} {
  return { protocol: "https", host: account.host, username: account.login };
}

/** Hosts are DNS names (plus port) and GitHub logins are case-insensitive, so both compare without case. */
export function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isAccount(account: Account, host: string, login: string): boolean {
  return sameHost(account.host, host) && sameLogin(account.login, login);
}

/**
 * Adds `account`, or replaces the one with the same host and login (in place, so the order
 * people see in `list` stays put). Defaults per host: an account marked `isDefault` takes the
 * default from the others on its host; otherwise it becomes the default only when no other
 * account on its host is (the first account on a host, or a re-login of the default).
 */
export function upsertAccount(accounts: readonly Account[], account: Account): Account[] {
  const index = accounts.findIndex((existing) => isAccount(existing, account.host, account.login));
  const others = accounts.filter((existing) => !isAccount(existing, account.host, account.login));
  const hasOtherDefault = others.some((other) => sameHost(other.host, account.host) && other.isDefault);
  const added: Account = { ...account, isDefault: account.isDefault || !hasOtherDefault };
  const cleared = others.map((other) =>
    added.isDefault && other.isDefault && sameHost(other.host, account.host)
      ? { ...other, isDefault: false }
      : other,
  );
  const at = index === -1 ? cleared.length : index;
  return [...cleared.slice(0, at), added, ...cleared.slice(at)];
}

/**
 * Removes the account for `host` and `login`. When it was its host's default, the next
 * account on that host (the one listed after it, else the first before it) becomes default.
 * An unknown account leaves the list as it is.
 */
export function removeAccount(accounts: readonly Account[], host: string, login: string): Account[] {
  const index = accounts.findIndex((account) => isAccount(account, host, login));
  const removed = accounts[index];
  if (removed === undefined) return [...accounts];
  const kept = accounts.filter((account) => !isAccount(account, host, login));
  if (!removed.isDefault || kept.some((account) => sameHost(account.host, host) && account.isDefault)) {
    return kept;
  }
  // Positions in `kept`: everything before `index` is unchanged, so `index` is "the one after".
  const onHost = kept
    .map((account, i) => ({ account, i }))
    .filter(({ account }) => sameHost(account.host, host));
  const heir = onHost.find(({ i }) => i >= index) ?? onHost[0];
  return heir === undefined
    ? kept
    : kept.map((account, i) => (i === heir.i ? { ...account, isDefault: true } : account));
}

/**
 * The account for `host` and `login`; without a login, the host's default account (or, in a
 * hand-edited file with no default, the first one on that host). Host and login ignore case.
 */
export function findAccount(accounts: readonly Account[], host: string, login?: string): Account | undefined {
  if (login !== undefined) return accounts.find((account) => isAccount(account, host, login));
  const onHost = accounts.filter((account) => sameHost(account.host, host));
  return onHost.find((account) => account.isDefault) ?? onHost[0];
}

// Which accounts a command acts on: --host and --user narrow; asking for one that is not
// there is "nothing to act on" (exit 3), with the accounts that do exist in the hint.
import type { Account } from "../accounts/account.js";
import { sameHost, sameLogin } from "../accounts/accounts.js";
import { NotFoundError, UsageError } from "../errors.js";

export function selectAccounts(
  accounts: readonly Account[],
  host: string | undefined,
  user: string | undefined,
): Account[] {
  const picked = accounts.filter(
    (account) =>
      (host === undefined || sameHost(account.host, host)) &&
      (user === undefined || sameLogin(account.login, user)),
  );
  if (picked.length === 0) {
    const known = accounts.map((account) => `${account.login}@${account.host}`).join(", ");
    const what = [user, host].filter(Boolean).join("@") || "any host";
    throw new NotFoundError(`no account for ${what}`, {
      hint: known ? `known accounts: ${known}` : 'run "git-credential-pat login" first',
    });
  }
  return picked;
}

/**
 * Exactly one account: the named one, else the host's default (what git uses when the remote
 * names no user). Several accounts and no default is ambiguous: the user must say which.
 */
export function selectOneAccount(
  accounts: readonly Account[],
  host: string | undefined,
  user: string | undefined,
): Account {
  const picked = selectAccounts(accounts, host, user);
  const fallback =
    picked.length > 1 && user === undefined ? picked.find((account) => account.isDefault) : undefined;
  if (fallback) return fallback;
  if (picked.length > 1) {
    throw new UsageError(`several accounts match: ${picked.map((a) => `${a.login}@${a.host}`).join(", ")}`, {
      hint: "name one with --host and --user",
    });
  }
  return picked[0] as Account;
}

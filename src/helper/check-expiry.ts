// What a `get` does about a token's known expiry: serve it, refuse it, or serve it with a
// warning. Pure: the caller passes the time and the warning window.
import type { Account } from "../accounts/account.js";
import { DAY_MS, expiryState } from "../accounts/token-expiry.js";
import { shellQuote, shownName, userSelector } from "../protocol/index.js";
import { looksLikeToken } from "../secret.js";

export type ExpiryVerdict =
  | { kind: "ok" }
  | { kind: "expired"; message: string }
  | { kind: "expiring"; message: string; daysLeft: number };

/**
 * Judges an account's token by the expiry GitHub reported for it (expiryState, with `warnDays`
 * as the window). Days left are rounded up, so a token with hours to go "expires in 1 day".
 * Dates are UTC, as GitHub's token settings page shows them.
 */
export function expiryVerdict(
  account: Pick<Account, "host" | "login" | "expiresAtMs">,
  nowMs: number,
  warnDays: number,
): ExpiryVerdict {
  const { expiresAtMs, host } = account;
  const state = expiryState(expiresAtMs, nowMs, warnDays);
  if (expiresAtMs === undefined || state === "none" || state === "ok") return { kind: "ok" };
  const date = new Date(expiresAtMs).toISOString().slice(0, 10);
  const login = shownName(account.login);
  // A token kept as the username cannot be rotated under its own name: it goes, with the URL.
  const user = `--host ${shellQuote(host)} --user ${shellQuote(userSelector(account.login))}`;
  const rotate = `"git-credential-pat rotate ${user}"`;
  const remove = looksLikeToken(account.login)
    ? `remove it with "git-credential-pat logout ${user}" and take the token out of the remote's URL ("git-credential-pat doctor" finds it)`
    : undefined;
  if (state === "expired") {
    return {
      kind: "expired",
      message: `the token for ${login}@${host} expired on ${date}; ${remove ?? `run ${rotate}`}`,
    };
  }
  const daysLeft = Math.ceil((expiresAtMs - nowMs) / DAY_MS);
  return {
    kind: "expiring",
    daysLeft,
    message: `warning: the token for ${login}@${host} expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (${date}); ${remove ?? `rotate it with ${rotate}`}`,
  };
}

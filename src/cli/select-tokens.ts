// Which stored tokens a command about one login acts on (logout, rotate), whoever stored them:
// `login`, or git after its own prompt, under whatever username it was given (`Alice`, `alice`,
// `x-access-token`), with or without a path (credential.useHttpPath). Pure: no I/O.
import type { Account } from "../accounts/account.js";
import { sameHost, sameLogin } from "../accounts/accounts.js";
import { NotFoundError, UsageError } from "../errors.js";
import { isHttpProtocol, printable, shellQuote, shownName, userSelector } from "../protocol/index.js";
import { looksLikeToken } from "../secret.js";
import type { StoredToken } from "./stored-tokens.js";

/** The entries for `host`: https, and http to that same host (a token works over both). */
export function tokensOnHost(tokens: readonly StoredToken[], host: string): StoredToken[] {
  return tokens.filter(
    (token) => isHttpProtocol(token.credential.protocol) && sameHost(token.credential.host, host),
  );
}

/**
 * Whose token this is, as far as anyone found out: what GitHub said (its facts), else the account
 * that holds that very token (a login with --no-verify). Undefined: nobody asked.
 */
export function knownLoginOf(token: StoredToken, accounts: readonly Account[]): string | undefined {
  return (
    token.facts?.login ??
    accounts.find(
      (account) => sameHost(account.host, token.credential.host) && account.fingerprint === token.fingerprint,
    )?.login
  );
}

/**
 * The entries that belong to `login` among `tokens` (one host's): every entry stored under that
 * name in any case, with or without a path; every entry holding a token known to authenticate as
 * it, whatever username git stored it under; and every other entry holding one of those tokens,
 * unless that token is known to be someone else's.
 */
export function tokensOfLogin(
  tokens: readonly StoredToken[],
  login: string,
  accounts: readonly Account[],
): StoredToken[] {
  const owner = (token: StoredToken) => knownLoginOf(token, accounts);
  const isTheirs = (token: StoredToken) => {
    // A token as the "login" (logout --user 'fp …') names the entries that keep it as the
    // username: not one that has it as a username but authenticates with the token in its password.
    if (looksLikeToken(login)) return token.isTokenAsUsername && token.credential.username === login;
    const known = owner(token);
    return sameLogin(token.credential.username, login) || (known !== undefined && sameLogin(known, login));
  };
  // By the token itself (a token kept as the username is that entry's token, not its placeholder
  // password), never by fingerprint alone: 8 hex digits can collide.
  const theirs = tokens.filter(isTheirs);
  return tokens.filter(
    (token) =>
      isTheirs(token) ||
      (owner(token) === undefined && theirs.some((their) => their.token.equals(token.token))),
  );
}

/** Logins compare in any case, as GitHub's do; a token as the username only as itself. */
const nameKey = (login: string) => (looksLikeToken(login) ? login : login.toLowerCase());

/**
 * The logins with something on `host`, keyed by lower case (a token as itself): the accounts', and each entry's
 * (whose token it is when known, else the username git stored it under). Spelt as the account,
 * else GitHub, else git spelt it.
 */
export function loginsOnHost(
  tokens: readonly StoredToken[],
  host: string,
  accounts: readonly Account[],
): Map<string, string> {
  const logins = new Map<string, string>();
  const add = (login: string) => {
    if (!logins.has(nameKey(login))) logins.set(nameKey(login), login);
  };
  for (const account of accounts) if (sameHost(account.host, host)) add(account.login);
  for (const token of tokens) add(knownLoginOf(token, accounts) ?? token.credential.username);
  return logins;
}

/**
 * The login a command acts on: `user` when anything is stored for it on `host` (its account, or
 * an entry tokensOfLogin finds); without `user`, the only login with something on the host, else
 * the host's default account (what git uses when the remote names no user). Nothing there is
 * "nothing to act on" (exit 3); several logins and no default is ambiguous (exit 2).
 */
export function selectLogin(
  host: string,
  user: string | undefined,
  tokens: readonly StoredToken[],
  accounts: readonly Account[],
): string {
  const logins = loginsOnHost(tokens, host, accounts);
  const onHost = accounts.filter((account) => sameHost(account.host, host));
  const choices = [...logins.values()].map(shownName).join(", ");
  if (user !== undefined) {
    const print = selectedFingerprint(user);
    if (print !== undefined) return tokenNamedBy(print, tokens, host);
    const account = onHost.find((candidate) => sameLogin(candidate.login, user));
    if (account) return account.login;
    if (tokensOfLogin(tokens, user, accounts).length > 0) return logins.get(nameKey(user)) ?? user;
    throw new NotFoundError(`no token stored for ${shownUser(user)}@${host}`, {
      hint: choices ? `stored for ${host}: ${choices}` : '"git-credential-pat list" shows what is stored',
    });
  }
  const [only, ...others] = logins.values();
  if (only === undefined) {
    throw new NotFoundError(`no token stored for ${host}`, {
      hint: '"git-credential-pat list" shows what is stored',
    });
  }
  if (others.length === 0) return only;
  const fallback = onHost.find((account) => account.isDefault);
  if (fallback) return fallback.login;
  throw new UsageError(`tokens of several logins are stored for ${host}: ${choices}`, {
    hint: "name one with --user",
  });
}

/**
 * The fingerprint `user` names a token git keeps as the username by, the way list shows it
 * ("ghp_… (fp 3f9a1c2b)", or "fp 3f9a1c2b"), so the token itself never has to be typed;
 * undefined for a login (a login has no spaces).
 */
export function selectedFingerprint(user: string): string | undefined {
  return /(?:^|\()fp ([0-9a-f]{8})\)?$/.exec(user.trim())?.[1];
}

/** `user` as a message shows it: a fingerprint selector as typed, a name by shownName. */
export function shownUser(user: string): string {
  return selectedFingerprint(user) === undefined ? shownName(user) : printable(user);
}

/**
 * The token kept as the username with fingerprint `print` among `tokens` (one host's), whoever it
 * is known to belong to: exactly one, or the command stops.
 */
function tokenNamedBy(print: string, tokens: readonly StoredToken[], host: string): string {
  const named = [
    ...new Set(
      tokens
        .filter((token) => token.isTokenAsUsername && token.fingerprint === print)
        .map((token) => token.credential.username),
    ),
  ];
  if (named.length === 1) return named[0] as string;
  if (named.length === 0)
    throw new NotFoundError(`no token kept as the username on ${host} has fingerprint ${print}`, {
      hint: '"git-credential-pat list" shows what is stored; a cache daemon may still hold a token removed by hand: "git-credential-pat exit" stops it',
    });
  throw new UsageError(
    `${named.length} different tokens kept as the username on ${host} share fingerprint ${print}`,
    {
      hint: "remove their entries with git credential reject, or take the tokens out of the remote URLs and remove the store's lines by hand",
    },
  );
}

/** `--user NAME` as a person types it to name `name` in logout or rotate (never a token: its fingerprint). */
export function userFlag(name: string): string {
  return `--user ${shellQuote(userSelector(name))}`;
}

// What is known about the tokens the store holds, by host and fingerprint (accounts.json
// "tokens"), and which hosts are GitHub's. Pure: no I/O.
import { fingerprint, type Secret, tokenKind } from "../secret.js";
import type { Account, AccountsData, TokenFacts } from "./account.js";
import { sameHost } from "./accounts.js";

/** What one check against GitHub's API found about a token (refused: what was known of it), and the verdict. */
export interface TokenCheck {
  login: string;
  scopes?: string[];
  expiresAtMs?: number;
  check: TokenFacts["check"];
  apiUrl?: string;
}

/** A check from what the API said (or what was known): only the fields that have a value. */
export function tokenCheck(
  found: { login: string; scopes?: string[] | undefined; expiresAtMs?: number | undefined },
  check: TokenFacts["check"],
  apiUrl: string | undefined,
): TokenCheck {
  return {
    login: found.login,
    ...(found.scopes === undefined ? {} : { scopes: found.scopes }),
    ...(found.expiresAtMs === undefined ? {} : { expiresAtMs: found.expiresAtMs }),
    check,
    ...(apiUrl === undefined ? {} : { apiUrl }),
  };
}

/** The record of `check` about `token` on `host`, made at `checkedAtMs`. */
export function factsOfCheck(
  host: string,
  token: Secret,
  check: TokenCheck,
  checkedAtMs: number,
): TokenFacts {
  return {
    host: host.toLowerCase(),
    fingerprint: fingerprint(token),
    kind: tokenKind(token),
    checkedAtMs,
    ...check,
  };
}

/**
 * `account` describing the token `facts` are about: its kind and fingerprint, scopes and expiry,
 * and the check. Scopes or an expiry the check did not report stay only when the account
 * described that same token already; another token's never carry over.
 */
export function withTokenFacts(account: Account, facts: TokenFacts): Account {
  const { scopes: _scopes, expiresAtMs: _expiresAtMs, ...rest } = account;
  const known = account.fingerprint === facts.fingerprint ? account : undefined;
  const scopes = facts.scopes ?? known?.scopes;
  const expiresAtMs = facts.expiresAtMs ?? known?.expiresAtMs;
  return {
    ...rest,
    ...(scopes === undefined ? {} : { scopes }),
    ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
    kind: facts.kind,
    fingerprint: facts.fingerprint,
    lastCheckedAtMs: facts.checkedAtMs,
    lastCheck: facts.check,
  };
}

/**
 * The facts about the token with `fingerprint` on `host`: its own record, else what an account
 * (login) recorded about that very token (files written before token records were kept).
 * A record about another token (another fingerprint) never answers.
 */
export function findFacts(data: AccountsData, host: string, fingerprint: string): TokenFacts | undefined {
  const own = data.tokens.find((facts) => sameHost(facts.host, host) && facts.fingerprint === fingerprint);
  if (own) return own;
  const account = data.accounts.find(
    (candidate) => sameHost(candidate.host, host) && candidate.fingerprint === fingerprint,
  );
  return account && factsOfAccount(account);
}

/** An account's record as facts about its token, when the token was ever checked. */
export function factsOfAccount(account: Account): TokenFacts | undefined {
  if (account.lastCheckedAtMs === undefined || account.lastCheck === undefined) return undefined;
  return {
    host: account.host.toLowerCase(),
    fingerprint: account.fingerprint,
    login: account.login,
    kind: account.kind,
    ...(account.scopes === undefined ? {} : { scopes: account.scopes }),
    ...(account.expiresAtMs === undefined ? {} : { expiresAtMs: account.expiresAtMs }),
    checkedAtMs: account.lastCheckedAtMs,
    check: account.lastCheck,
    ...(account.apiUrl === undefined ? {} : { apiUrl: account.apiUrl }),
  };
}

/** `facts` in place of the record for the same host and token, or added at the end. */
export function upsertFacts(tokens: readonly TokenFacts[], facts: TokenFacts): TokenFacts[] {
  const record = { ...facts, host: facts.host.toLowerCase() };
  const index = tokens.findIndex(
    (known) => sameHost(known.host, record.host) && known.fingerprint === record.fingerprint,
  );
  return index === -1 ? [...tokens, record] : tokens.map((known, i) => (i === index ? record : known));
}

/** The records minus those about the tokens `fingerprints` on `host` (tokens no longer stored). */
export function dropFacts(
  tokens: readonly TokenFacts[],
  host: string,
  fingerprints: ReadonlySet<string>,
): TokenFacts[] {
  return tokens.filter((facts) => !(sameHost(facts.host, host) && fingerprints.has(facts.fingerprint)));
}

/**
 * Whether `host` is GitHub's: github.com, GH_HOST, or a host whose tokens a GitHub API already
 * answered for (an account or a token record: only a GitHub API gives a login and scopes).
 */
export function isKnownGithubHost(host: string, data: AccountsData, ghHost: string | undefined): boolean {
  const name = host.toLowerCase();
  if (name === "github.com") return true;
  if (ghHost !== undefined && sameHost(ghHost.replace(/^https?:\/\//i, "").replace(/\/+$/, ""), name))
    return true;
  return (
    data.accounts.some((account) => sameHost(account.host, name)) ||
    data.tokens.some((facts) => sameHost(facts.host, name))
  );
}

/** The API URL someone gave for this host (login --api-url), from an account or a token's facts. */
export function recordedApiUrl(data: AccountsData, host: string): string | undefined {
  return (
    data.accounts.find((account) => sameHost(account.host, host) && account.apiUrl !== undefined)?.apiUrl ??
    data.tokens.find((facts) => sameHost(facts.host, host) && facts.apiUrl !== undefined)?.apiUrl
  );
}

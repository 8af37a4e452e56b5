// What is known about the tokens the store holds, by host and fingerprint (accounts.json
// "tokens"), and which hosts are GitHub's. Pure: no I/O.
import type { Account, AccountsData, TokenFacts } from "./account.js";
import { sameHost } from "./accounts.js";

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

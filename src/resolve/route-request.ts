// Which account answers a request from git: the username git asked for, else the account tied
// to the repository's owner, else the host's default. Pure; knows accounts only as a type.

import type { Account } from "../accounts/account.js";
import { findAccount, sameHost, sameLogin } from "../accounts/accounts.js";
import { normalizePath } from "../posix-path.js";
import type { Credential } from "../protocol/index.js";

/**
 * Picks the username to look up for a request from git, so that several accounts on one host
 * each get their own token:
 *
 * 1. A username in the request (from the remote URL, `https://alice@github.com/…`, or
 *    `credential.username`) always wins: the request is returned unchanged.
 * 2. **Owner routing.** When git sends a `path` (only with `credential.useHttpPath=true`), its
 *    first segment is the repository owner (`acme` in `acme/app.git`). The first account on the
 *    request's host whose `owners` (set by `login --owner`) contains it, ignoring case, answers.
 * 3. Otherwise the host's default account (`login --default`, or the first one logged in).
 * 4. With no account on the host the request is returned unchanged, and the stores match it as
 *    git's own helpers would (any username).
 *
 * Hosts (with port, as git sends them) and owners compare without case. The request's other
 * fields are kept as they are.
 */
export function routeRequest(request: Credential, accounts: readonly Account[]): Credential {
  if (request.username !== undefined || request.host === undefined) return request;
  const host = request.host;
  const onHost = accounts.filter((account) => sameHost(account.host, host));
  if (onHost.length === 0) return request;
  const owner = ownerOf(request.path);
  const routed =
    (owner !== undefined &&
      onHost.find((account) => account.owners.some((name) => sameLogin(name, owner)))) ||
    findAccount(onHost, host);
  return routed === undefined ? request : { ...request, username: routed.login };
}

/**
 * `acme/app.git` → `acme` (lower case); undefined without a path or an owner segment. The path is
 * normalized first, as the server resolves a URL's dot segments: `acme/../evil/repo.git` (what
 * git sends for `acme/%2e%2e/evil/repo.git`) is evil's, and `..` above the root stays at the root.
 */
function ownerOf(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const normalized = normalizePath(`/${path}`);
  const first = normalized.split("/")[1];
  return first ? first.toLowerCase() : undefined;
}

/** One lookup of a request: a pattern, and whether an entry's path must equal it exactly. */
export interface Lookup {
  pattern: Credential;
  /** A host-wide lookup: only entries without a path answer (MatchOptions.exactPath). */
  exactPath: boolean;
}

/**
 * The lookups for a request, in order. For a username that is no known account on the host (or
 * no username at all), one: routeRequest's request with git's own matching. For a known
 * account, whose token `login` keeps for the whole host:
 * - git sent a `path` (credential.useHttpPath): the repository's own token (stored by git with
 *   that path) wins, then the account's host-wide token answers; a token stored for another
 *   repository's path never does;
 * - no path: the host-wide token first, then git's matching, which may find a token git stored
 *   for some repository's path (the only one there is, when the host-wide one is gone).
 */
export function lookupPatterns(request: Credential, accounts: readonly Account[]): Lookup[] {
  const routed = routeRequest(request, accounts);
  const { path, username, host } = routed;
  const asIs = { pattern: routed, exactPath: false };
  if (username === undefined || host === undefined) return [asIs];
  if (findAccount(accounts, host, username) === undefined) return [asIs];
  if (path === undefined) return [{ pattern: routed, exactPath: true }, asIs];
  const { path: _path, ...hostWide } = routed;
  return [asIs, { pattern: hostWide, exactPath: true }];
}

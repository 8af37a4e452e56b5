// git's three actions against the resolved sources and the persistent store.
import type { Account, AccountsData } from "../accounts/account.js";
import { findAccount, sameHost } from "../accounts/accounts.js";
import { findFacts } from "../accounts/token-facts.js";
import { PatError } from "../errors.js";
import type { Deps, Io } from "../platform/deps.js";
import {
  type Credential,
  type CredentialRequest,
  findUnsafeField,
  hasAuthtypeCapability,
  isSafeTransport,
  printable,
  type ResolvedCredential,
  replyFields,
  serializeCredential,
  serializeList,
  slotOf,
  type TokenSource,
} from "../protocol/index.js";
import { type Resolution, resolveToken } from "../resolve/resolve-token.js";
import { lookupPatterns } from "../resolve/route-request.js";
import { fingerprint } from "../secret.js";
import { ENV, expiryWarningDays } from "../settings.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import { expiryVerdict } from "./check-expiry.js";
import { claimDailyWarning, type WarningStateDeps } from "./expiry-warnings.js";
import type { CacheLike } from "./tolerant-cache.js";

export interface GetSources {
  /** Environment tokens (CI): asked first, with git's request as it is; no metadata applies to them. */
  env: TokenSource;
  /** The cache and the persistent store, in that order, asked with the routed request. */
  stored: readonly TokenSource[];
  /**
   * accounts.json (accounts and facts about stored tokens); called at most once, and only when
   * the environment has no token for the request.
   */
  accounts: () => Promise<AccountsData>;
  /** The user allowed tokens over plain http to real hosts (config.json "allowHttp"). */
  allowHttp: boolean;
}

export type GetDeps = Pick<Deps, "io" | "env"> & WarningStateDeps;

/**
 * Prints what the first source that has a match holds (username/password, or an authtype and its
 * credential for git ≥ 2.46, with expiry and refresh token when kept); nothing otherwise.
 * Without a username from git the stored tokens are looked up for the account routeRequest
 * picks (repository owner, else the host's default), with the path and then host-wide
 * (lookupPatterns). When accounts.json describes the token that answered (same host, login and
 * fingerprint), its expiry is added to the reply, an expired token is not served (git goes on
 * to its prompt) and one about to expire gets a warning, once a day.
 */
export async function helperGet(
  request: CredentialRequest,
  sources: GetSources,
  deps: GetDeps,
): Promise<void> {
  // git always sends both; without them there is nothing to look up (and no file to read).
  if (!request.protocol || !request.host) return;
  // Never a token over plain http to a real host, even one a shared credential-store file holds;
  // say why only when there is one, so a plain-http remote that needs none stays quiet.
  if (!isSafeTransport(request.protocol, request.host, sources.allowHttp)) {
    if ((await resolveToken(request, sources.stored)).kind === "found") {
      const refusal = `not sending a token over plain http to ${request.host}; use https, or ${ALLOW_HTTP_HINT}`;
      deps.io.err.write(`${printable(`git-credential-pat: ${refusal}`)}\n`);
    }
    return;
  }
  const withAuthtype = hasAuthtypeCapability(request);
  const fromEnv = await resolveToken(request, [sources.env]);
  if (fromEnv.kind === "found") {
    deps.io.out.write(reply(fromEnv.credential, withAuthtype));
    return;
  }
  const data = await sources.accounts();
  const resolution = await resolveStored(request, sources.stored, data, withAuthtype, deps);
  if (resolution.kind === "none") return;
  const served = await withKnownExpiry(request.host, resolution.credential, data, deps);
  if (served === undefined) return;
  // Built whole before writing, so a failure never leaves git half a reply.
  const text = reply(served.credential, withAuthtype);
  if (served.warning) deps.io.err.write(served.warning);
  deps.io.out.write(text);
}

/** The first stored token for the request's lookup patterns (lookupPatterns), in their order. */
async function resolveStored(
  request: CredentialRequest,
  stored: readonly TokenSource[],
  data: AccountsData,
  withAuthtype: boolean,
  deps: GetDeps,
): Promise<Resolution> {
  let resolution: Resolution = { kind: "none", reason: "no stored token matches" };
  for (const { pattern, exactPath } of lookupPatterns(request, data.accounts)) {
    resolution = await resolveToken(pattern, stored, {
      exactPath,
      withAuthtype,
      liveAtMs: deps.clock.now(),
    });
    if (resolution.kind === "found") break;
  }
  return resolution;
}

/**
 * The credential with the expiry known for its token, and the warning to print when it is about
 * to expire (once a day); undefined when it has expired, which is said on stderr.
 */
async function withKnownExpiry(
  host: string,
  found: ResolvedCredential,
  data: AccountsData,
  deps: GetDeps,
): Promise<{ credential: ResolvedCredential; warning: string | undefined } | undefined> {
  let credential = found;
  const known = knownToken(data, host, credential);
  // The expiry the store keeps beside the token (git handed it over, or verify or learning found
  // it) counts when no record names one: the warning works for a token git stored from its prompt.
  const { username, password } = credential;
  const expiresAtMs = known?.expiresAtMs ?? credential.passwordExpiresAtMs;
  if (expiresAtMs !== undefined) credential = { ...credential, passwordExpiresAtMs: expiresAtMs };
  // A username git keeps may be a token (`https://TOKEN@github.com/…`): expiryVerdict never shows it.
  const login = known?.login ?? username ?? "";
  if (password === undefined || login === "" || expiresAtMs === undefined)
    return { credential, warning: undefined };
  const warnDays = expiryWarningDays(deps.env);
  const verdict = expiryVerdict({ host, login, expiresAtMs }, deps.clock.now(), warnDays);
  if (verdict.kind === "expired") {
    // Never serve a token GitHub will refuse: an empty reply makes git prompt instead.
    deps.io.err.write(`git-credential-pat: ${printable(verdict.message)}\n`);
    return undefined;
  }
  const warning =
    verdict.kind === "expiring" &&
    (await claimDailyWarning(known?.fingerprint ?? fingerprint(password), deps))
      ? `git-credential-pat: ${printable(verdict.message)}\n`
      : undefined;
  return { credential, warning };
}

/**
 * What is known about the token that answered: the account git's username names when it holds
 * that very token (login), else the facts recorded about the token on this host (a `verify`, or
 * the learning after the `store` of a token git prompted for). Metadata about another token (say
 * an account whose token git replaced after a prompt) says nothing about this one. The
 * fingerprint (sha256: node:crypto under Node) is computed only when there is metadata to compare.
 */
function knownToken(
  data: AccountsData,
  host: string,
  credential: ResolvedCredential,
): Pick<Account, "host" | "login" | "expiresAtMs" | "fingerprint"> | undefined {
  const { username, password } = credential;
  if (password === undefined) return undefined;
  const account = username === undefined ? undefined : findAccount(data.accounts, host, username);
  if (!account && !data.tokens.some((facts) => sameHost(facts.host, host))) return undefined;
  const print = fingerprint(password);
  if (account && account.fingerprint === print) return account;
  const facts = findFacts(data, host, print);
  return facts && { host, login: facts.login, expiresAtMs: facts.expiresAtMs, fingerprint: print };
}

/** The reply to git: the reply fields of attributes.ts, announcing authtype to a git that asked. */
function reply(credential: ResolvedCredential, withAuthtype: boolean): string {
  const capability = withAuthtype ? serializeList("capability", ["authtype"]) : "";
  return capability + serializeCredential(credential, replyFields(withAuthtype));
}

/** Plain http to a real host needs the user's opt-in; the message says how to give it. */
const ALLOW_HTTP_HINT = `allow plain http with "allowHttp": true in config.json or ${ENV.allowHttp}=1`;

/** Where a `store` keeps what git sends: the cache (for timeoutSeconds) and the persistent store. */
export interface StoreTargets {
  cache: CacheLike | undefined;
  timeoutSeconds: number;
  store: TokenStore | undefined;
  allowHttp: boolean;
}

/**
 * Keeps what git sends after a successful authentication. Like git's credential-cache, a
 * request with neither username and password nor an authtype or credential is ignored, and an
 * ephemeral one is kept nowhere; unlike it, a token is never kept for plain http to a real host
 * unless the user allowed it. The persistent store keeps username and password (with what else
 * attributes.ts says it keeps); an authtype credential lives in the cache only, as with git's store.
 *
 * Returns what the persistent store now holds when its slot did not hold that token before (a
 * token new to the store, worth learning about: learn-trigger.ts); undefined otherwise.
 */
export async function helperStore(
  request: CredentialRequest,
  targets: StoreTargets,
  io: Io,
): Promise<StoredCredential | undefined> {
  const { lists: _lists, ...credential } = request;
  const { protocol, host, username, password, authtype, authCredential } = credential;
  if (!protocol || !host || credential.isEphemeral) return undefined;
  const hasPassword = username !== undefined && password !== undefined;
  if (!hasPassword && authtype === undefined && authCredential === undefined) return undefined;
  if (!isSafeTransport(protocol, host, targets.allowHttp)) {
    const refusal = `not storing a token for ${protocol}://${host}: tokens are kept only for https; ${ALLOW_HTTP_HINT}`;
    io.err.write(`${printable(`git-credential-pat: ${refusal}`)}\n`);
    return undefined;
  }
  const unsafe = findUnsafeField(credential);
  if (unsafe)
    throw new PatError(`refusing to store a credential whose ${unsafe} contains a control character`);
  // The store first: a token the store refuses must not be served from the cache either.
  let newToken: StoredCredential | undefined;
  if (hasPassword && targets.store) {
    const stored: StoredCredential = { ...credential, protocol, host, username, password };
    if (await targets.store.store(stored)) newToken = stored;
  }
  await targets.cache?.store({ ...credential, protocol, host }, targets.timeoutSeconds);
  return newToken;
}

/**
 * Removes matching tokens; an empty pattern (no protocol or host) erases nothing, as in
 * credential-store. When git rejects a token for a repository (a `path` and the token it used),
 * every entry of that user on the host holding that very token goes, whatever its path: the
 * host-wide one lookupPatterns may have served, and the copies git stored for other repositories
 * after using it. Left in place, git would be handed the rejected token again and never prompt.
 */
export async function helperErase(
  request: CredentialRequest,
  targets: Pick<StoreTargets, "cache" | "store">,
): Promise<void> {
  if (!request.protocol || !request.host) return;
  const pattern: Credential = { ...slotOf(request) };
  if (request.password !== undefined) pattern.password = request.password;
  if (request.authCredential !== undefined) pattern.authCredential = request.authCredential;
  // A pattern without a path reaches every path (git's matching); matchPassword keeps other tokens.
  const isRejection = pattern.password !== undefined || pattern.authCredential !== undefined;
  const { path: _path, ...anyPath } = pattern;
  const erasing = isRejection ? anyPath : pattern;
  await targets.cache?.erase(erasing);
  await targets.store?.erase(erasing);
}

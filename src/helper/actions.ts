// git's three actions against the resolved sources and the persistent store.
import type { Account } from "../accounts/account.js";
import { findAccount } from "../accounts/accounts.js";
import { PatError } from "../errors.js";
import type { Deps, Io } from "../platform/deps.js";
import {
  type CredentialRequest,
  findUnsafeField,
  isSafeTransport,
  printable,
  serializeCredential,
} from "../protocol/index.js";
import { type Resolution, resolveToken, type TokenSource } from "../resolve/resolve-token.js";
import { lookupPatterns } from "../resolve/route-request.js";
import { fingerprint } from "../secret.js";
import { DEFAULTS, ENV, positiveInt } from "../settings.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import { expiryVerdict } from "./check-expiry.js";
import { claimDailyWarning, type WarningStateDeps } from "./expiry-warnings.js";
import type { CacheLike } from "./tolerant-cache.js";

export interface GetSources {
  /** Environment tokens (CI): asked first, with git's request as it is; no metadata applies to them. */
  env: TokenSource;
  /** The cache and the persistent store, in that order, asked with the routed request. */
  stored: readonly TokenSource[];
  /** accounts.json; called at most once, and only when the environment has no token for the request. */
  accounts: () => Promise<readonly Account[]>;
}

export type GetDeps = Pick<Deps, "io" | "env"> & WarningStateDeps;

/**
 * Prints username/password(/expiry) for the first source that has a match; nothing otherwise.
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
  // Never a token over plain http to a real host, even one a shared credential-store file holds.
  if (!isSafeTransport(request.protocol, request.host)) {
    deps.io.err.write(
      `${printable(`git-credential-pat: not sending a token over plain http to ${request.host}; use https`)}\n`,
    );
    return;
  }
  const fromEnv = await resolveToken(request, [sources.env]);
  if (fromEnv.kind === "found") {
    deps.io.out.write(serializeCredential(fromEnv.credential));
    return;
  }
  const accounts = await sources.accounts();
  let resolution: Resolution = { kind: "none", reason: "no stored token matches" };
  for (const pattern of lookupPatterns(request, accounts)) {
    resolution = await resolveToken(pattern, sources.stored);
    if (resolution.kind === "found") break;
  }
  if (resolution.kind === "none") return;
  let credential = resolution.credential;
  let warning: string | undefined;
  const account = findAccount(accounts, request.host, credential.username);
  // Metadata about another token (say one git stored after a prompt) says nothing about this one.
  if (account && account.fingerprint === fingerprint(credential.password)) {
    if (account.expiresAtMs !== undefined)
      credential = { ...credential, passwordExpiresAtMs: account.expiresAtMs };
    const warnDays = positiveInt(deps.env[ENV.expiryWarningDays], DEFAULTS.expiryWarningDays);
    const verdict = expiryVerdict(account, deps.clock.now(), warnDays);
    if (verdict.kind === "expired") {
      // Never serve a token GitHub will refuse: an empty reply makes git prompt instead.
      deps.io.err.write(`git-credential-pat: ${printable(verdict.message)}\n`);
      return;
    }
    if (verdict.kind === "expiring" && (await claimDailyWarning(account.fingerprint, deps))) {
      warning = `git-credential-pat: ${printable(verdict.message)}\n`;
    }
  }
  // Built whole before writing, so a failure never leaves git half a reply.
  const reply = serializeCredential(credential);
  if (warning) deps.io.err.write(warning);
  deps.io.out.write(reply);
}

/**
 * Keeps what git sends after a successful authentication. Like git's credential-cache, a
 * request without username or password is ignored; unlike it, a token is never kept for
 * plain http to a real host.
 */
export interface StoreTargets {
  cache: CacheLike | undefined;
  timeoutSeconds: number;
  store: TokenStore | undefined;
}

export async function helperStore(request: CredentialRequest, targets: StoreTargets, io: Io): Promise<void> {
  const { protocol, host, username, password } = request;
  if (!protocol || !host || username === undefined || password === undefined) return;
  if (!isSafeTransport(protocol, host)) {
    io.err.write(
      `${printable(
        `git-credential-pat: not storing a token for ${protocol}://${host}: tokens are kept only for https`,
      )}\n`,
    );
    return;
  }
  const unsafe = findUnsafeField(request);
  if (unsafe)
    throw new PatError(`refusing to store a credential whose ${unsafe} contains a control character`);
  const credential: StoredCredential = { protocol, host, username, password };
  if (request.path !== undefined) credential.path = request.path;
  if (request.passwordExpiresAtMs !== undefined) credential.passwordExpiresAtMs = request.passwordExpiresAtMs;
  // The store first: a token the store refuses must not be served from the cache either.
  await targets.store?.store(credential);
  await targets.cache?.store(credential, targets.timeoutSeconds);
}

/** Removes matching tokens; an empty pattern (no protocol or host) erases nothing, as in credential-store. */
export async function helperErase(
  request: CredentialRequest,
  targets: Pick<StoreTargets, "cache" | "store">,
): Promise<void> {
  if (!request.protocol || !request.host) return;
  const { lists: _lists, passwordExpiresAtMs: _expiry, ...pattern } = request;
  await targets.cache?.erase(pattern);
  await targets.store?.erase(pattern);
}

// `git-credential-pat verify`: re-check every GitHub token the store holds, whoever stored it,
// against the API, and record what it says (login, scopes, kind, expiry).
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account, AccountsData, TokenFacts } from "../accounts/account.js";
import { sameHost, sameLogin } from "../accounts/accounts.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { isKnownGithubHost, recordedApiUrl, tokenCheck } from "../accounts/token-facts.js";
import { exitCodeOf, NotFoundError, SilentError } from "../errors.js";
import type { TokenInfo } from "../github/types.js";
import type { Deps } from "../platform/deps.js";
import { printable, shellQuote, shownName } from "../protocol/index.js";
import { looksLikeToken, type Secret, tokenKind } from "../secret.js";
import type { StoreName } from "../settings.js";
import type { TokenStore } from "../stores/token-store.js";
import { githubFor, storesInUse } from "./command-kit.js";
import { formatExpiry, formatScopes, paint } from "./format.js";
import { userFlag } from "./select-tokens.js";
import { recordCheck, type StoredToken, storedTokens } from "./stored-tokens.js";
import { tokenWarnings } from "./token-warnings.js";

export interface VerifyOptions {
  host: string | undefined;
  user: string | undefined;
  json: boolean;
}

interface VerifyArgs {
  host?: string;
  user?: string;
  json?: boolean;
}

export function toVerifyOptions(argv: VerifyArgs): VerifyOptions {
  return { host: argv.host?.toLowerCase(), user: argv.user, json: argv.json ?? false };
}

/** `skipped`: the host's API is not GitHub's (a token for another forge), so there is nothing to check. */
export type VerifyOutcome = "valid" | "rejected" | "expired" | "missing" | "error" | "skipped";

export interface VerifyResult {
  host: string;
  /** The GitHub login, else the username git keeps the token under. */
  login: string;
  outcome: VerifyOutcome;
  detail: string;
}

/** One token to check: the same token may sit in several entries (host-wide, and per repository). */
interface Target {
  host: string;
  /** git keeps the token as the username: its password is a placeholder, nothing to check. */
  isTokenAsUsername: boolean;
  token: Secret;
  store: TokenStore;
  storeName: StoreName;
  usernames: string[];
  facts: TokenFacts | undefined;
  account: Account | undefined;
}

export async function runVerify(opts: VerifyOptions, deps: Deps): Promise<void> {
  const data = await loadAccountsData(deps);
  const { targets, missing } = await selectTargets(opts, data, deps);
  if (targets.length === 0 && missing.length === 0) {
    const what =
      [opts.user === undefined ? undefined : shownName(opts.user), opts.host && printable(opts.host)]
        .filter(Boolean)
        .join("@") || "any host";
    throw new NotFoundError(`no stored token for ${what}`, {
      hint: 'run "git-credential-pat list" to see what is stored, or "git-credential-pat login"',
    });
  }
  const results: VerifyResult[] = missing.map((account) => ({
    host: account.host,
    login: account.login,
    outcome: "missing",
    detail: `no token in ${account.store}; run "git-credential-pat login --host ${account.host} --user ${shownName(account.login)}"`,
  }));
  for (const [index, target] of targets.entries()) {
    if (deps.io.isStderrTTY && targets.length > 1) {
      const who = printable(`${shownName(whoOf(target))}@${target.host}`);
      deps.io.err.write(`\rchecking ${index + 1}/${targets.length}: ${who}…`);
    }
    results.push(await verifyOne(target, data, deps));
  }
  if (deps.io.isStderrTTY && targets.length > 1) deps.io.err.write("\r\u001b[K");

  if (opts.json) deps.io.out.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const result of results) {
      const mark =
        result.outcome === "valid"
          ? paint("ok  ", "green", deps.io.isStdoutTTY)
          : result.outcome === "skipped"
            ? paint("skip", "dim", deps.io.isStdoutTTY)
            : paint("FAIL", "red", deps.io.isStdoutTTY);
      deps.io.out.write(`${mark} ${printable(`${result.login}@${result.host}: ${result.detail}`)}\n`);
    }
  }
  // Exit 4 when any token is unusable: the report above already said which and why.
  if (results.some((result) => !["valid", "skipped"].includes(result.outcome))) throw new SilentError(4);
}

async function selectTargets(
  opts: VerifyOptions,
  data: AccountsData,
  deps: Deps,
): Promise<{ targets: Target[]; missing: Account[] }> {
  const targets: Target[] = [];
  const found = new Set<Account>();
  for (const { name, store, isOnlyDefault } of await storesInUse(data.accounts, deps)) {
    const tokens = await tokensToCheck(store, data, isOnlyDefault);
    for (const token of tokens ?? []) {
      if (!isSelected(token, opts)) continue;
      const account = accountOf(token, data.accounts);
      if (account) found.add(account);
      addTarget(targets, token, account, store, name);
    }
  }
  const missing = data.accounts.filter(
    (account) =>
      !found.has(account) &&
      (opts.host === undefined || sameHost(account.host, opts.host)) &&
      (opts.user === undefined || sameLogin(account.login, opts.user)),
  );
  return { targets, missing };
}

/** A store's entries; undefined for the default store nobody uses when this session cannot reach it. */
async function tokensToCheck(
  store: TokenStore,
  data: AccountsData,
  isOnlyDefault: boolean,
): Promise<StoredToken[] | undefined> {
  try {
    return await storedTokens(store, data);
  } catch (error) {
    // The default store nobody uses, out of reach in this session (no Secret Service): nothing
    // of it to check. A store in use that cannot be read stops the command (exit 5).
    if (isOnlyDefault && exitCodeOf(error) === 5) return undefined;
    throw error;
  }
}

/** An https entry on --host (any without it), under --user or holding a token GitHub said is theirs. */
function isSelected(token: StoredToken, opts: VerifyOptions): boolean {
  const { host, username, protocol } = token.credential;
  if (protocol !== "https" || (opts.host !== undefined && !sameHost(host, opts.host))) return false;
  return (
    opts.user === undefined ||
    sameLogin(username, opts.user) ||
    (token.facts !== undefined && sameLogin(token.facts.login, opts.user))
  );
}

/** The account of an entry: on its host, recorded with its token or under its username. */
function accountOf(token: StoredToken, accounts: readonly Account[]): Account | undefined {
  const { host, username } = token.credential;
  return accounts.find(
    (candidate) =>
      sameHost(candidate.host, host) &&
      (candidate.fingerprint === token.fingerprint || sameLogin(candidate.login, username)),
  );
}

/**
 * The same token in several entries is checked once; a copy kept as the username is skipped on
 * its own, so it never stands in for the entries that hold the token as the password.
 */
function addTarget(
  targets: Target[],
  token: StoredToken,
  account: Account | undefined,
  store: TokenStore,
  storeName: StoreName,
): void {
  const { host, username } = token.credential;
  const same = targets.find(
    (target) =>
      sameHost(target.host, host) &&
      target.isTokenAsUsername === token.isTokenAsUsername &&
      target.token.equals(token.token),
  );
  if (same) {
    if (!same.usernames.includes(username)) same.usernames.push(username);
    return;
  }
  targets.push({
    host,
    isTokenAsUsername: token.isTokenAsUsername,
    token: token.token,
    store,
    storeName,
    usernames: [username],
    facts: token.facts,
    account,
  });
}

function whoOf(target: Target): string {
  return target.facts?.login ?? target.account?.login ?? (target.usernames[0] as string);
}

/**
 * What to do about a token that failed: rotate it by its login. A token git keeps as the username
 * goes with the remote URL that holds it; a token whose login nobody knows yet (the username is a
 * token, the password another) has no login to name.
 */
function fixFor(target: Target, who: string): string {
  const host = shellQuote(target.host);
  if (target.isTokenAsUsername)
    return `git keeps it under a token as the username: remove it with "git-credential-pat logout --host ${host} ${userFlag(target.usernames[0] as string)}" and take the token out of the remote's URL ("git-credential-pat doctor" finds it)`;
  if (looksLikeToken(who))
    return 'the username git keeps is a token: take it out of the remote\'s URL ("git-credential-pat doctor" finds it)';
  return `run "git-credential-pat rotate --host ${host} ${userFlag(who)}"`;
}

/** One check's givens: the token, how the report names it, the API to ask, the time, the fix to offer. */
interface Check {
  target: Target;
  base: { host: string; login: string };
  apiUrl: string | undefined;
  now: number;
  /** What to do about the token if it failed (fixFor). */
  rotate: string;
}

async function verifyOne(target: Target, data: AccountsData, deps: Deps): Promise<VerifyResult> {
  const who = whoOf(target);
  const base = { host: target.host, login: shownName(who) };
  const now = deps.clock.now();
  // The token's own record, its account's, else what anyone gave for the host (a GHES elsewhere).
  const apiUrl = target.facts?.apiUrl ?? target.account?.apiUrl ?? recordedApiUrl(data, target.host);
  const isGithub = isKnownGithubHost(target.host, data, deps.env.GH_HOST);
  const rotate = fixFor(target, who);
  // Only the placeholder is in the password: sending it would only earn a 401 about the wrong thing.
  if (target.isTokenAsUsername) return { ...base, outcome: "skipped", detail: rotate };
  const check: Check = { target, base, apiUrl, now, rotate };
  try {
    const github = await githubFor(target.host, apiUrl, deps);
    const info = await github.validate(target.token);
    // A host nobody knows to be GitHub's counts as one only when GitHub itself answered: a server
    // answering 200 to anything would otherwise be recorded, and the learner would send it tokens.
    if (!isGithub && !info.answeredByGithub) {
      return { ...base, outcome: "skipped", detail: "not a known GitHub host (its API is not GitHub's)" };
    }
    // Awaited inside the try: a failure to record the answer is caught below, like any other.
    return await answered(check, info, deps);
  } catch (error) {
    // A host nobody knows to be GitHub's, whatever it answered: another forge, or a git server
    // whose HTTP auth answers 401 to everything. Nothing is recorded, so it stays unknown.
    if (!isGithub) {
      return { ...base, outcome: "skipped", detail: `not a known GitHub host (${errorMessage(error)})` };
    }
    // By exit code, not instanceof: see errors.ts exitCodeOf.
    if (exitCodeOf(error) !== 4) {
      // The API could not be asked (down, rate-limited): say so, record nothing about the token.
      return { ...base, outcome: "error", detail: errorMessage(error) };
    }
    return rejected(check, error, deps);
  }
}

/**
 * GitHub's answer about the token, recorded: still this login's or not, expired or valid (with
 * its scopes, expiry and warnings).
 */
async function answered(
  { target, base, apiUrl, now, rotate }: Check,
  info: TokenInfo,
  deps: Deps,
): Promise<VerifyResult> {
  const expired = info.expiresAtMs !== undefined && info.expiresAtMs <= now;
  const facts = await recordCheck(
    target.store,
    target.host,
    target.token,
    tokenCheck(info, expired ? "expired" : "valid", apiUrl),
    deps,
  );
  const login = { ...base, login: shownName(info.login) };
  if (target.account && !sameLogin(target.account.login, info.login)) {
    return {
      ...login,
      outcome: "rejected",
      detail: `the stored token now authenticates as ${shownName(info.login)}`,
    };
  }
  // GitHub answers 401 for an expired token; an API that says otherwise is taken at its word
  // about the login, but the token is still past its expiry.
  if (expired)
    return { ...login, outcome: "expired", detail: `${formatExpiry(info.expiresAtMs, now)}; ${rotate}` };
  const kind = facts?.kind ?? tokenKind(target.token);
  const warnings = tokenWarnings({
    kind,
    scopes: info.scopes,
    expiresAtMs: info.expiresAtMs,
    isVerified: true,
  });
  return {
    ...login,
    outcome: "valid",
    detail: [
      `valid; scopes ${formatScopes(info.scopes, kind)}; expires ${formatExpiry(info.expiresAtMs, now)}`,
      ...warnings.map((warning) => `warning: ${warning}`),
    ].join("; "),
  };
}

/**
 * GitHub refused the token (exit 4): expired by what is known of it, else rejected; recorded when
 * its login is known.
 */
async function rejected(
  { target, base, apiUrl, now, rotate }: Check,
  error: unknown,
  deps: Deps,
): Promise<VerifyResult> {
  const knownExpiry = target.facts?.expiresAtMs ?? target.account?.expiresAtMs;
  const expired = knownExpiry !== undefined && knownExpiry <= now;
  const knownLogin = target.facts?.login ?? target.account?.login;
  // Without a login anyone learned (only git's username, which may even be a token), nothing
  // is recorded: the report says it, and the next verify asks again.
  if (knownLogin !== undefined)
    await recordCheck(
      target.store,
      target.host,
      target.token,
      tokenCheck(
        { login: knownLogin, scopes: target.facts?.scopes, expiresAtMs: knownExpiry },
        expired ? "expired" : "rejected",
        apiUrl,
      ),
      deps,
    );
  return {
    ...base,
    outcome: expired ? "expired" : "rejected",
    detail: `${expired ? formatExpiry(knownExpiry, now) : errorMessage(error)}; ${rotate}`,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function verifyCommand(deps: Deps): CommandModule<object, VerifyArgs> {
  return {
    command: "verify",
    describe:
      "re-check every stored GitHub token (whoever stored it) against GitHub; exit 4 if any is invalid or expired",
    builder: (yargs: Argv) =>
      yargs
        .option("host", { type: "string", describe: "only this host's tokens" })
        .option("user", { type: "string", describe: "only this login (or the username git keeps it under)" })
        .option("json", { type: "boolean", describe: "print JSON" }) as Argv<VerifyArgs>,
    handler: (argv: ArgumentsCamelCase<VerifyArgs>) => runVerify(toVerifyOptions(argv), deps),
  };
}

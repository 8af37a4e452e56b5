// `git-credential-pat rotate`: replace a login's token with a new one, checked first, wherever
// it is stored (by `login`, or by git after its prompt, under any username and every path).
// The old token keeps working until the new one is in the store. This file picks the token to
// replace, checks the new one and reports; rotate-commit.ts writes it.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account } from "../accounts/account.js";
import { findAccount, sameLogin } from "../accounts/accounts.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { AuthError, SilentError, UsageError } from "../errors.js";
import type { TokenInfo } from "../github/types.js";
import type { Deps } from "../platform/deps.js";
import { printable, shellQuote, shownName } from "../protocol/index.js";
import { GITHUB_HOST } from "../resolve/env-token-source.js";
import { describe as describeToken, isTokenShaped, looksLikeToken, tokenKind } from "../secret.js";
import { githubFor, readToken, reportUncleared, storesInPlay } from "./command-kit.js";
import { formatExpiry, formatScopes, isoDate, lostScopes } from "./format.js";
import { GUIDE_HELP, guideBeforePrompt, isScopeName, parseScopes, SCOPES_HELP } from "./new-token-guide.js";
import { revokeOnGithub } from "./revoke-tokens.js";
import { commitRotation, type Replaced, type Rotation } from "./rotate-commit.js";
import { knownLoginOf, selectLogin, tokensOfLogin, tokensOnHost, userFlag } from "./select-tokens.js";
import type { StoredToken } from "./stored-tokens.js";

export interface RotateOptions {
  host: string;
  user: string | undefined;
  withToken: boolean;
  force: boolean;
  /** The API to check the new token with; default: the account's, else the one the old token was checked with, else the host's. */
  apiUrl: string | undefined;
  /** keychain or file: only that store; default: the configured one and the accounts' (command-kit storesInPlay). */
  store: string | undefined;
  /** --web: open the token-creation page in the browser before the prompt. */
  isWeb: boolean;
  /** --scopes: the classic scopes to prefill; undefined: the old token's, when known, else DEFAULT_SCOPES. */
  scopes: string[] | undefined;
  /** --revoke-old: revoke the replaced token on GitHub once the new one is stored. */
  revokeOld: boolean;
}

interface RotateArgs {
  host?: string;
  user?: string;
  withToken?: boolean;
  force?: boolean;
  apiUrl?: string;
  store?: string;
  web?: boolean;
  scopes?: string;
  revokeOld?: boolean;
}

export function toRotateOptions(argv: RotateArgs): RotateOptions {
  return {
    host: (argv.host ?? GITHUB_HOST).toLowerCase(),
    user: argv.user,
    withToken: argv.withToken ?? false,
    force: argv.force ?? false,
    apiUrl: argv.apiUrl,
    store: argv.store,
    isWeb: argv.web ?? false,
    scopes: parseScopes(argv.scopes),
    revokeOld: argv.revokeOld ?? false,
  };
}

export async function runRotate(opts: RotateOptions, deps: Deps): Promise<void> {
  const { host } = opts;
  const data = await loadAccountsData(deps);
  const stores = await storesInPlay(opts.store, data, deps);
  const onHost = stores.flatMap(({ tokens }) => tokensOnHost(tokens, host));
  const { login, account, old } = tokenToReplace(host, opts.user, onHost, data.accounts);
  await guideRotation(opts, login, knownAboutOld(old, account).scopes, old, deps);

  const token = await readToken(
    opts.withToken,
    `Paste the new token for ${shownName(login)}@${host}: `,
    deps,
  );
  if (old?.credential.password.equals(token)) {
    throw new UsageError(
      `that token is the one already stored for ${shownName(login)}@${host}; nothing changed`,
    );
  }
  const apiUrl = opts.apiUrl ?? account?.apiUrl ?? old?.facts?.apiUrl;
  const info = await (await githubFor(host, apiUrl, deps)).validate(token);
  if (!sameLogin(info.login, login)) {
    throw new AuthError(
      `the new token authenticates as ${shownName(info.login)}, not ${shownName(login)}; nothing changed`,
    );
  }
  const lost = refuseWeaker(knownAboutOld(old, account), info, opts.force);

  const rotation: Rotation = {
    host,
    login,
    token,
    old,
    stores,
    info,
    apiUrl,
    checkedAtMs: deps.clock.now(),
    apiUrlFlag: opts.apiUrl,
    storeFlag: opts.store,
  };
  const { replaced, cleared } = await commitRotation(rotation, deps);

  reportRotation(rotation, replaced, deps);
  if (lost.length > 0)
    deps.io.err.write(`git-credential-pat: warning: the new token lacks ${lost.join(", ")}\n`);
  warnTokenInUrls(host, onHost, old, account, deps);
  const isUncleared = reportUncleared(cleared, deps);
  // Only now, with the new token checked, stored and the caches cleared.
  // At the API the old token was checked with, not one --api-url names for the new token.
  const oldApiUrl = old?.facts?.apiUrl ?? account?.apiUrl;
  const isRevoked = opts.revokeOld ? await revokeReplaced(host, oldApiUrl, old, deps) : true;
  if (isUncleared || !isRevoked) throw new SilentError(1);
}

/**
 * The token page before the prompt (new-token-guide.ts), prefilled with the old token's scopes
 * when they are known (--scopes wins), its fine-grained page first when the old token is one.
 */
async function guideRotation(
  opts: RotateOptions,
  login: string,
  oldScopes: readonly string[] | undefined,
  old: StoredToken | undefined,
  deps: Deps,
): Promise<void> {
  const { host, isWeb, withToken } = opts;
  // What a server said the old token's scopes were (or accounts.json, edited by hand): only
  // scope names go into the page's URL and the advice a person may paste into a shell.
  const known = oldScopes?.filter(isScopeName);
  const scopes = opts.scopes ?? (known?.length ? known : undefined);
  const isFineGrained = old !== undefined && tokenKind(old.credential.password) === "fine-grained";
  const what = `the new token for ${shownName(login)}`;
  await guideBeforePrompt({ host, scopes, what, isWeb, withToken, isFineGrained }, deps);
}

/** --revoke-old: the replaced token revoked on GitHub (revoke-tokens.ts); whether it was. */
async function revokeReplaced(
  host: string,
  apiUrl: string | undefined,
  old: StoredToken | undefined,
  deps: Deps,
): Promise<boolean> {
  if (old === undefined) {
    deps.io.out.write("No old token was stored: nothing to revoke\n");
    return true;
  }
  if (!isTokenShaped(old.credential.password)) {
    // A password (a GHES account's): nothing GitHub could revoke.
    deps.io.out.write(
      `${describeToken(old.credential.password)} is not a token (a password?): nothing to revoke\n`,
    );
    return true;
  }
  return revokeOnGithub([{ token: old.credential.password, host, apiUrl }], deps);
}

/**
 * The login to rotate, its account and the stored token to replace (undefined when the login has
 * none left). Refuses a token as the login, and a token that GitHub says is someone else's.
 */
function tokenToReplace(
  host: string,
  user: string | undefined,
  onHost: readonly StoredToken[],
  accounts: readonly Account[],
): { login: string; account: Account | undefined; old: StoredToken | undefined } {
  const login = selectLogin(host, user, onHost, accounts);
  if (looksLikeToken(login)) refuseTokenAsLogin(login, host, onHost);
  const account = findAccount(accounts, host, login);
  // Entries keeping a token as the username are not rotated: their password is a placeholder,
  // and the new token written there would leave the old one in the username.
  const rotatable = onHost.filter((token) => !token.isTokenAsUsername);
  const old = oldTokenOf(tokensOfLogin(rotatable, login, accounts), account, host, login);
  // A token stored under this name that GitHub says is someone else's (pasted at a prompt for
  // the wrong user): replacing it everywhere would put this login's token into the owner's slots.
  const owner = old && knownLoginOf(old, accounts);
  if (owner !== undefined && !sameLogin(owner, login)) {
    throw new AuthError(
      `the token stored for ${shownName(login)}@${host} authenticates as ${shownName(owner)}: rotating it would change ${shownName(owner)}'s entries too; nothing changed`,
      {
        hint: `rotate ${shownName(owner)}'s token with "git-credential-pat rotate --host ${host} ${userFlag(owner)}", or remove ${shownName(login)}'s entries with "git-credential-pat logout --host ${host} ${userFlag(login)}"`,
      },
    );
  }
  return { login, account, old };
}

/**
 * Refuses, unless forced, a new token with fewer scopes or an earlier expiry than what is known of
 * the old one. Returns the scopes it lacks (forced through, they are warned about).
 */
function refuseWeaker(known: KnownAboutOld, info: TokenInfo, force: boolean): string[] {
  const lost = lostScopes(known.scopes, info.scopes);
  const earlier =
    known.isExpiryKnown &&
    (known.expiresAtMs === undefined
      ? info.expiresAtMs !== undefined
      : info.expiresAtMs !== undefined && info.expiresAtMs < known.expiresAtMs);
  if (!force && (lost.length > 0 || earlier)) {
    const why = [
      ...(lost.length ? [`it lacks ${lost.join(", ")}`] : []),
      ...(earlier
        ? [`it expires earlier (${info.expiresAtMs === undefined ? "never" : isoDate(info.expiresAtMs)})`]
        : []),
    ];
    throw new UsageError(`the new token is weaker than the old one: ${why.join(" and ")}; nothing changed`, {
      hint: "rotate anyway with --force",
    });
  }
  return lost;
}

/** What rotate did, on stdout: the new token, the entries that held the old one, scopes and expiry. */
function reportRotation(
  { host, login, token, old, info, checkedAtMs }: Rotation,
  replaced: readonly Replaced[],
  deps: Deps,
): void {
  // The entries that held the old token (not the account's slot filled when none was left).
  const held = replaced.filter((entry) => old && entry.credential.password.equals(old.credential.password));
  const stored = [...new Set(held.map((entry) => entry.storeName))].join(" and ");
  const entries = held.length;
  deps.io.out.write(
    [
      `Rotated the token for ${shownName(login)}@${host}: now ${describeToken(token)}`,
      ...(old && entries > 0
        ? [
            `  replaced: ${describeToken(old.credential.password)} in ${entries === 1 ? "1 entry" : `${entries} entries`} (${stored})`,
          ]
        : []),
      `  scopes:  ${formatScopes(info.scopes)}`,
      `  expires: ${formatExpiry(info.expiresAtMs, checkedAtMs)}`,
      "",
    ].join("\n"),
  );
}

/** Entries keeping the old token as the username (remote URLs): rotate leaves them, so it names them. */
function warnTokenInUrls(
  host: string,
  onHost: readonly StoredToken[],
  old: StoredToken | undefined,
  account: Account | undefined,
  deps: Deps,
): void {
  const inUrls = onHost.filter(
    (entry) =>
      entry.isTokenAsUsername &&
      (old ? old.token.equals(entry.token) : account?.fingerprint === entry.fingerprint),
  );
  if (inUrls.length > 0) {
    deps.io.err.write(
      `git-credential-pat: warning: ${inUrls.length === 1 ? "1 entry keeps" : `${inUrls.length} entries keep`} the old token as the username (a remote URL https://TOKEN@${printable(host)}/…): remove ${inUrls.length === 1 ? "it" : "them"} with "git-credential-pat logout --host ${shellQuote(host)} ${userFlag((inUrls[0] as StoredToken).credential.username)}" and take the token out of the URL\n`,
    );
  }
}

/**
 * A token as the login: one git keeps as the username goes with its remote URL (logout), and one
 * whose login nobody has learned yet (the username is a token, the password another) is rotated
 * by that login once verify has found it.
 */
function refuseTokenAsLogin(login: string, host: string, onHost: readonly StoredToken[]): never {
  const inUrl = onHost.some((token) => token.isTokenAsUsername && token.credential.username === login);
  throw new UsageError(
    inUrl
      ? `a token kept as the username (${shownName(login)}@${host}) cannot be rotated; nothing changed`
      : `the login of the token stored under ${shownName(login)}@${host} is not known yet; nothing changed`,
    {
      hint: inUrl
        ? `remove it with "git-credential-pat logout --host ${shellQuote(host)} ${userFlag(login)}" and take it out of the remote's URL`
        : `run "git-credential-pat verify --host ${shellQuote(host)}", then rotate by the login it finds`,
    },
  );
}

/**
 * The token to replace among the login's entries: the only one; of several, the account's (the
 * one `login` stored; the others, such as a token git kept for one repository, stay). Several
 * and none of them the account's: ambiguous. Undefined when the login has no entry (an account
 * whose token was removed from the store).
 */
function oldTokenOf(
  mine: readonly StoredToken[],
  account: Account | undefined,
  host: string,
  login: string,
): StoredToken | undefined {
  const byPrint = new Map<string, StoredToken[]>();
  for (const token of mine)
    byPrint.set(token.fingerprint, [...(byPrint.get(token.fingerprint) ?? []), token]);
  if (byPrint.size <= 1) return mine[0];
  const ofAccount = account && byPrint.get(account.fingerprint)?.[0];
  if (ofAccount) return ofAccount;
  const listed = [...byPrint.values()]
    .map((tokens) => {
      const first = tokens[0] as StoredToken;
      return `${describeToken(first.credential.password)} (${tokens.length === 1 ? "1 entry" : `${tokens.length} entries`})`;
    })
    .join(", ");
  throw new UsageError(
    `${shownName(login)}@${host} has ${byPrint.size} different tokens stored: ${listed}; nothing changed`,
    {
      hint: `forget them all with "git-credential-pat logout --host ${host} ${userFlag(login)}", then log in with the new token`,
    },
  );
}

interface KnownAboutOld {
  scopes: string[] | undefined;
  expiresAtMs: number | undefined;
  isExpiryKnown: boolean;
}

/** What is known of the old token, to tell a weaker new one: the account's record of it, else its facts. */
function knownAboutOld(old: StoredToken | undefined, account: Account | undefined): KnownAboutOld {
  if (account && (old === undefined || account.fingerprint === old.fingerprint)) {
    return { scopes: account.scopes, expiresAtMs: account.expiresAtMs, isExpiryKnown: true };
  }
  if (old?.facts)
    return { scopes: old.facts.scopes, expiresAtMs: old.facts.expiresAtMs, isExpiryKnown: true };
  // Nobody asked GitHub about it: only what git handed over (password_expiry_utc), if anything.
  return { scopes: undefined, expiresAtMs: old?.expiresAtMs, isExpiryKnown: old?.expiresAtMs !== undefined };
}

export function rotateCommand(deps: Deps): CommandModule<object, RotateArgs> {
  return {
    command: "rotate",
    describe: "replace a login's token with a new one wherever it is stored (same login; checked first)",
    builder: (yargs: Argv) =>
      yargs
        .option("host", { type: "string", default: GITHUB_HOST })
        .option("user", { type: "string", describe: "the login, when the host has tokens of several" })
        .option("with-token", { type: "boolean", describe: "read the new token from standard input" })
        .option("force", { type: "boolean", describe: "accept fewer scopes or an earlier expiry" })
        .option("api-url", {
          type: "string",
          describe:
            "API base URL to check the new token with (default: as recorded, else https://HOST/api/v3)",
        })
        .option("store", {
          type: "string",
          describe: "keychain or file (default: the configured store and the accounts' stores)",
        })
        .option("web", {
          type: "boolean",
          describe: "open the token-creation page in the browser before the prompt",
        })
        .option("scopes", { type: "string", describe: `${SCOPES_HELP}; default: the old token's` })
        .option("revoke-old", {
          type: "boolean",
          describe:
            "revoke the replaced token on GitHub once the new one is stored (POST /credentials/revoke); not revoked: exit 1, the new token stays",
        })
        .example("$0 rotate --with-token < new-token.txt", "")
        .example("$0 rotate --web --revoke-old", "create the new token, store it, revoke the old one")
        .epilogue(GUIDE_HELP) as Argv<RotateArgs>,
    handler: (argv: ArgumentsCamelCase<RotateArgs>) => runRotate(toRotateOptions(argv), deps),
  };
}

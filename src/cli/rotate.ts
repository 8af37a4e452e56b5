// `git-credential-pat rotate`: replace a login's token with a new one, checked first, wherever
// it is stored (by `login`, or by git after its prompt, under any username and every path).
// The old token keeps working until the new one is in the store.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account, AccountsData, TokenFacts } from "../accounts/account.js";
import { findAccount, sameHost, sameLogin, upsertAccount } from "../accounts/accounts.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { dropFacts, factsOfCheck, tokenCheck, upsertFacts, withTokenFacts } from "../accounts/token-facts.js";
import { AuthError, NotFoundError, SilentError, UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import {
  type Credential,
  isHttpProtocol,
  printable,
  shellQuote,
  shownName,
  slotOf,
} from "../protocol/index.js";
import { GITHUB_HOST } from "../resolve/env-token-source.js";
import { describe as describeToken, isTokenKeptAsUsername, looksLikeToken, type Secret } from "../secret.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import {
  commitStoreChange,
  forgetCached,
  githubFor,
  putBack,
  readToken,
  reportUncleared,
  type StoreInPlay,
  storesInPlay,
} from "./command-kit.js";
import { formatExpiry, formatScopes, isoDate, lostScopes } from "./format.js";
import { knownLoginOf, selectLogin, tokensOfLogin, tokensOnHost, userFlag } from "./select-tokens.js";
import { type StoredToken, storedTokens } from "./stored-tokens.js";

export interface RotateOptions {
  host: string;
  user: string | undefined;
  withToken: boolean;
  force: boolean;
  /** The API to check the new token with; default: the account's, else the one the old token was checked with, else the host's. */
  apiUrl: string | undefined;
  /** keychain or file: only that store; default: the configured one and the accounts' (command-kit storesInPlay). */
  store: string | undefined;
}

interface RotateArgs {
  host?: string;
  user?: string;
  withToken?: boolean;
  force?: boolean;
  apiUrl?: string;
  store?: string;
}

export function toRotateOptions(argv: RotateArgs): RotateOptions {
  return {
    host: (argv.host ?? GITHUB_HOST).toLowerCase(),
    user: argv.user,
    withToken: argv.withToken ?? false,
    force: argv.force ?? false,
    apiUrl: argv.apiUrl,
    store: argv.store,
  };
}

/** One entry that held the old token, and the store it is in. */
interface Replaced {
  storeName: string;
  credential: StoredCredential;
}

export async function runRotate(opts: RotateOptions, deps: Deps): Promise<void> {
  const { host } = opts;
  const data = await loadAccountsData(deps);
  const stores = await storesInPlay(opts.store, data, deps);
  const onHost = stores.flatMap(({ tokens }) => tokensOnHost(tokens, host));
  const login = selectLogin(host, opts.user, onHost, data.accounts);
  if (looksLikeToken(login)) refuseTokenAsLogin(login, host, onHost);
  const account = findAccount(data.accounts, host, login);
  // Entries keeping a token as the username are not rotated: their password is a placeholder,
  // and the new token written there would leave the old one in the username.
  const rotatable = onHost.filter((token) => !token.isTokenAsUsername);
  const old = oldTokenOf(tokensOfLogin(rotatable, login, data.accounts), account, host, login);
  // A token stored under this name that GitHub says is someone else's (pasted at a prompt for
  // the wrong user): replacing it everywhere would put this login's token into the owner's slots.
  const owner = old && knownLoginOf(old, data.accounts);
  if (owner !== undefined && !sameLogin(owner, login)) {
    throw new AuthError(
      `the token stored for ${shownName(login)}@${host} authenticates as ${shownName(owner)}: rotating it would change ${shownName(owner)}'s entries too; nothing changed`,
      {
        hint: `rotate ${shownName(owner)}'s token with "git-credential-pat rotate --host ${host} ${userFlag(owner)}", or remove ${shownName(login)}'s entries with "git-credential-pat logout --host ${host} ${userFlag(login)}"`,
      },
    );
  }

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
  const known = knownAboutOld(old, account);
  const lost = lostScopes(known.scopes, info.scopes);
  const earlier =
    known.isExpiryKnown &&
    (known.expiresAtMs === undefined
      ? info.expiresAtMs !== undefined
      : info.expiresAtMs !== undefined && info.expiresAtMs < known.expiresAtMs);
  if (!opts.force && (lost.length > 0 || earlier)) {
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

  const now = deps.clock.now();
  const expiry = info.expiresAtMs === undefined ? {} : { passwordExpiresAtMs: info.expiresAtMs };
  const replaced: Replaced[] = [];
  let cleared: Awaited<ReturnType<typeof forgetCached>> | undefined;
  await deps.deferSignals(async () => {
    await commitStoreChange(async (current, undo) => {
      replaced.length = 0;
      const onThisHost = (entry: StoredCredential) =>
        isHttpProtocol(entry.protocol) && sameHost(entry.host, host);
      const holds = (secret: Secret) => (entry: StoredCredential) =>
        onThisHost(entry) &&
        entry.password.equals(secret) &&
        !isTokenKeptAsUsername(entry.username, entry.password);
      /** Undoes a store's changes: the new token out, what the host had before back in. */
      const restore = (store: TokenStore, before: readonly StoredCredential[]) => async () => {
        for (const entry of (await store.list()).filter(holds(token)))
          await store.erase({ ...slotOf(entry), password: token });
        await putBack(store, before.filter(onThisHost));
      };
      if (old) {
        const holdsOld = holds(old.credential.password);
        for (const { name, store } of stores) {
          const before = await store.list();
          const holders = before.filter(holdsOld);
          if (holders.length === 0) continue;
          undo.push(restore(store, before));
          // The new token into every slot that held the old one, each in one write of that slot
          // alone (file: a rename; keychain: one item), so a git running meanwhile gets the old
          // token or the new, never none, and entries under a path (git's copies per repository,
          // a token of another repository) are not dropped by a host-wide write.
          for (const entry of holders) {
            await store.store({ ...slotOf(entry), password: token, ...expiry }, { exactSlot: true });
            replaced.push({ storeName: name, credential: entry });
          }
          // Then whatever still holds the old token: a copy git stored in a slot of its own meanwhile.
          for (const entry of (await store.list()).filter(holdsOld)) {
            await store.erase({ ...slotOf(entry), password: old.credential.password });
            replaced.push({ storeName: name, credential: entry });
          }
        }
      }
      const currentAccount = findAccount(current.accounts, host, login);
      if (replaced.length === 0) {
        // No stored token to replace (the account's was removed): the account's own slot, as ever.
        if (!currentAccount)
          throw new NotFoundError(`no token stored for ${shownName(login)}@${host}; nothing changed`);
        // The account's own store: with --store naming another, git would keep getting the old token.
        const target = stores.find(({ name }) => name === currentAccount.store);
        if (!target)
          throw new UsageError(
            `${shownName(login)}@${host}'s token is kept in ${currentAccount.store}, which --store=${opts.store} leaves out; nothing changed`,
            { hint: `run it with --store=${currentAccount.store}, or without --store` },
          );
        const slot = { protocol: "https", host: currentAccount.host, username: currentAccount.login };
        undo.push(restore(target.store, await target.store.list()));
        await target.store.store({ ...slot, password: token, ...expiry }, { exactSlot: true });
        replaced.push({ storeName: target.name, credential: { ...slot, password: token } });
      }
      // What GitHub said about the new token, as recordCheck records a check, but in this same
      // write: the swap and the facts land together or not at all (recordCheck takes the lock
      // itself, so it cannot run in here). The entries already carry the expiry.
      const facts = factsOfCheck(host, token, tokenCheck(info, "valid", apiUrl), now);
      return {
        accounts: currentAccount
          ? upsertAccount(current.accounts, rotatedAccount(currentAccount, facts, opts.apiUrl))
          : current.accounts,
        // The old token's facts go, unless an entry rotate does not rewrite (a remote URL's) still holds it.
        tokens: upsertFacts(
          old && !(await isStillHeld(old.token, host, stores, current))
            ? dropFacts(current.tokens, host, new Set([old.fingerprint]))
            : current.tokens,
          facts,
        ),
      };
    }, deps);
    cleared = await forgetCached(cachePatterns(host, old?.credential.password, replaced), deps);
  });

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
      `  expires: ${formatExpiry(info.expiresAtMs, now)}`,
      "",
    ].join("\n"),
  );
  if (lost.length > 0)
    deps.io.err.write(`git-credential-pat: warning: the new token lacks ${lost.join(", ")}\n`);
  // Entries keeping the old token as the username (remote URLs): rotate leaves them, so it names them.
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
  if (cleared && reportUncleared(cleared, deps)) throw new SilentError(1);
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

/** Whether any entry on `host` in `stores` still holds `token` (as its password or its username). */
async function isStillHeld(
  token: Secret,
  host: string,
  stores: readonly StoreInPlay[],
  data: AccountsData,
): Promise<boolean> {
  for (const { store } of stores)
    if (tokensOnHost(await storedTokens(store, data), host).some((entry) => entry.token.equals(token)))
      return true;
  return false;
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

/** What is known of the old token, to tell a weaker new one: the account's record of it, else its facts. */
function knownAboutOld(
  old: StoredToken | undefined,
  account: Account | undefined,
): { scopes: string[] | undefined; expiresAtMs: number | undefined; isExpiryKnown: boolean } {
  if (account && (old === undefined || account.fingerprint === old.fingerprint)) {
    return { scopes: account.scopes, expiresAtMs: account.expiresAtMs, isExpiryKnown: true };
  }
  if (old?.facts)
    return { scopes: old.facts.scopes, expiresAtMs: old.facts.expiresAtMs, isExpiryKnown: true };
  // Nobody asked GitHub about it: only what git handed over (password_expiry_utc), if anything.
  return { scopes: undefined, expiresAtMs: old?.expiresAtMs, isExpiryKnown: old?.expiresAtMs !== undefined };
}

/** The account with its new token's facts, rotated at the check's time; `apiUrl` when given. */
function rotatedAccount(account: Account, facts: TokenFacts, apiUrl: string | undefined): Account {
  return {
    ...withTokenFacts(account, facts),
    ...(apiUrl === undefined ? {} : { apiUrl }),
    rotatedAtMs: facts.checkedAtMs,
  };
}

/** The old token's slots in the cache daemons: every spelling that held it, any path, only that token. */
function cachePatterns(host: string, old: Secret | undefined, replaced: readonly Replaced[]): Credential[] {
  const patterns = new Map<string, Credential>();
  for (const { credential } of replaced) {
    const key = `${credential.protocol}\0${credential.username}`;
    if (patterns.has(key)) continue;
    const { protocol, username } = credential;
    patterns.set(key, {
      protocol,
      host: credential.host ?? host,
      username,
      // Without a stored old token, the account's slot, whatever the cache holds there.
      ...(old === undefined ? {} : { password: old }),
    });
  }
  return [...patterns.values()];
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
        .example("$0 rotate --with-token < new-token.txt", "") as Argv<RotateArgs>,
    handler: (argv: ArgumentsCamelCase<RotateArgs>) => runRotate(toRotateOptions(argv), deps),
  };
}

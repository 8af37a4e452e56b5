// `git-credential-pat logout`: forget a login's tokens on a host, whoever stored them — every
// spelling git could have stored them under, the account, what is known about the tokens, and
// every cache daemon's copy.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { AccountsData } from "../accounts/account.js";
import { accountSlot, removeAccount, sameHost, sameLogin } from "../accounts/accounts.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { dropFacts } from "../accounts/token-facts.js";
import type { EraseEverywhereResult } from "../cache/daemon-registry.js";
import { exitCodeOf, SilentError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { type Credential, isSameSlot, printable, shownName, slotOf } from "../protocol/index.js";
import { envTokens, GITHUB_HOST } from "../resolve/env-token-source.js";
import { describe as describeToken, isTokenShaped, type Secret } from "../secret.js";
import type { StoredCredential } from "../stores/token-store.js";
import {
  commitAndForgetCached,
  forgetCached,
  persistentStore,
  putBack,
  reportUncleared,
  type StoreInPlay,
  storesInPlay,
  type Undo,
} from "./command-kit.js";
import { reportNotRevoked, revokeOnGithub } from "./revoke-tokens.js";
import { selectedFingerprint, selectLogin, tokensOfLogin, tokensOnHost } from "./select-tokens.js";
import { type StoredToken, storedTokens } from "./stored-tokens.js";

const PERSISTENT_STORES = ["keychain", "file"] as const;

export interface LogoutOptions {
  host: string;
  user: string | undefined;
  /** keychain or file: only that store; default: the configured one and the accounts' (command-kit storesInPlay). */
  store: string | undefined;
  /** --revoke: revoke each token removed on GitHub once the local change is made. */
  revoke: boolean;
}

interface LogoutArgs {
  host?: string;
  user?: string;
  store?: string;
  revoke?: boolean;
}

export function toLogoutOptions(argv: LogoutArgs): LogoutOptions {
  return {
    host: (argv.host ?? GITHUB_HOST).toLowerCase(),
    user: argv.user,
    store: argv.store,
    revoke: argv.revoke ?? false,
  };
}

/** What one store gave up: the entries removed, by token. */
interface Removed {
  storeName: string;
  credential: StoredCredential;
  /** The entry's token (StoredToken.token: the username when git keeps the token there). */
  token: Secret;
  fingerprint: string;
}

export async function runLogout(opts: LogoutOptions, deps: Deps): Promise<void> {
  const data = await loadAccountsData(deps);
  const stores = await storesInPlay(opts.store, data, deps);
  const onHost = stores.flatMap(({ tokens }) => tokensOnHost(tokens, opts.host));
  const login = await loginToForget(opts, onHost, data, deps);
  const { removed, stillHeld, hadAccount, cleared } = await commitLogout(opts, login, stores, deps);

  report(opts.host, login, removed, hadAccount, deps);
  const env = envTokens(deps.env).find((token) => sameHost(token.host, opts.host));
  if (env) {
    deps.io.err.write(
      `git-credential-pat: warning: ${env.variable} is set and still serves ${printable(opts.host)}; unset it to stop using it\n`,
    );
  }
  const isUncleared = reportUncleared(cleared, deps);
  const isRevoked = opts.revoke
    ? await revokeRemoved(opts.host, login, removed, stillHeld, data, deps)
    : true;
  if (isUncleared || !isRevoked) throw new SilentError(1);
}

/**
 * --revoke: each token removed, once (a token kept as the username is that username), revoked on
 * GitHub at the API it was checked with (the account's, else its facts'), after the local change.
 * A token other entries still hold (another login's, a remote URL's) is not revoked: that would
 * cut them off too; the line says so and the command exits 1.
 */
async function revokeRemoved(
  host: string,
  login: string,
  removed: readonly Removed[],
  stillHeld: ReadonlySet<string>,
  data: AccountsData,
  deps: Deps,
): Promise<boolean> {
  const tokens = new Map<string, Secret>();
  for (const { token, fingerprint } of removed) if (!tokens.has(fingerprint)) tokens.set(fingerprint, token);
  if (tokens.size === 0) {
    deps.io.out.write("No token was removed: nothing to revoke\n");
    return true;
  }
  let isKeptForOthers = false;
  for (const [print, token] of tokens) {
    if (!isTokenShaped(token)) {
      // A password (a GHES account's) or a placeholder: nothing GitHub could revoke.
      deps.io.out.write(`${describeToken(token)} is not a token (a password?): nothing to revoke\n`);
      tokens.delete(print);
    } else if (stillHeld.has(print)) {
      reportNotRevoked(
        { token, host },
        "other entries here still hold it (another login's, or a remote URL's); log them out first",
        deps,
      );
      tokens.delete(print);
      isKeptForOthers = true;
    }
  }
  const account = data.accounts.find((entry) => sameHost(entry.host, host) && sameLogin(entry.login, login));
  const targets = [...tokens].map(([print, token]) => {
    const facts = data.tokens.find((entry) => sameHost(entry.host, host) && entry.fingerprint === print);
    // The API it was checked with: its own facts, else the account's.
    return { token, host, apiUrl: facts?.apiUrl ?? account?.apiUrl };
  });
  return (await revokeOnGithub(targets, deps)) && !isKeptForOthers;
}

/** The login whose tokens to forget (selectLogin). */
async function loginToForget(
  opts: LogoutOptions,
  onHost: readonly StoredToken[],
  data: AccountsData,
  deps: Deps,
): Promise<string> {
  try {
    return selectLogin(opts.host, opts.user, onHost, data.accounts);
  } catch (error) {
    // Nothing stored for the login any more (an earlier logout, a store edited by hand): a cache
    // daemon may still hold its token, and is cleared all the same before saying so (exit 3).
    // A fingerprint names no username a daemon could be asked to forget (tokenNamedBy's hint says so).
    if (opts.user === undefined || selectedFingerprint(opts.user) !== undefined || exitCodeOf(error) !== 3)
      throw error;
    const result = await deps.deferSignals(() =>
      forgetCached(cachePatterns(opts.host, opts.user as string, []), deps),
    );
    reportUncleared(result, deps);
    throw error;
  }
}

/**
 * Forgets the login on the host: its entries in every store in play, its account and the facts
 * of its tokens nothing else holds, in one change under accounts.json's lock; then every cache
 * daemon's copy; SIGINT/SIGTERM wait for the end.
 */
async function commitLogout(
  opts: LogoutOptions,
  login: string,
  stores: readonly StoreInPlay[],
  deps: Deps,
): Promise<{
  removed: Removed[];
  stillHeld: Set<string>;
  hadAccount: boolean;
  cleared: EraseEverywhereResult;
}> {
  const removed: Removed[] = [];
  const stillHeld = new Set<string>();
  let hadAccount = false;
  const cleared = await commitAndForgetCached(
    async (current, undo) => {
      // Decided again from what the store and accounts.json hold now, under the lock: git may
      // have stored another copy since they were first read.
      removed.length = 0;
      stillHeld.clear();
      for (const inPlay of stores) {
        const erased = await eraseLoginEntries(inPlay, opts.host, login, current, undo);
        removed.push(...erased.removed);
        for (const print of erased.stillHeld) stillHeld.add(print);
      }
      // With --store, the other stores in use may hold the same token: its facts stay while one does.
      if (opts.store !== undefined)
        for (const print of await heldElsewhere(opts.host, stores, current, deps)) stillHeld.add(print);
      hadAccount = current.accounts.some(
        (account) => sameHost(account.host, opts.host) && sameLogin(account.login, login),
      );
      return {
        accounts: removeAccount(current.accounts, opts.host, login),
        tokens: dropFacts(
          current.tokens,
          opts.host,
          new Set(removed.flatMap((entry) => (stillHeld.has(entry.fingerprint) ? [] : [entry.fingerprint]))),
        ),
      };
    },
    () => cachePatterns(opts.host, login, removed),
    deps,
  );
  return { removed, stillHeld, hadAccount, cleared };
}

/**
 * Erases the login's entries on `host` from one store, pushing onto `undo` how to put the host's
 * entries back. Returns the entries that went, and the fingerprints of the tokens the host still
 * has in that store.
 */
async function eraseLoginEntries(
  { name, store }: StoreInPlay,
  host: string,
  login: string,
  current: AccountsData,
  undo: Undo[],
): Promise<{ removed: Removed[]; stillHeld: string[] }> {
  const before = tokensOnHost(await storedTokens(store, current), host);
  const mine = tokensOfLogin(before, login, current.accounts);
  if (mine.length === 0) return { removed: [], stillHeld: before.map((token) => token.fingerprint) };
  undo.push(() =>
    putBack(
      store,
      before.map((token) => token.credential),
    ),
  );
  // Each entry's own slot and token: a token stored there since is not the one being forgotten.
  for (const { credential } of mine)
    await store.erase({ ...slotOf(credential), password: credential.password });
  const after = tokensOnHost(await storedTokens(store, current), host);
  // The same token may stay in other entries (another login's slot, a remote URL): its facts stay too.
  const gone = mine.filter(
    ({ credential }) =>
      !after.some(
        (entry) =>
          isSameSlot(entry.credential, credential) && entry.credential.password.equals(credential.password),
      ),
  );
  return {
    removed: gone.map(({ credential, token, fingerprint }) => ({
      storeName: name,
      credential,
      token,
      fingerprint,
    })),
    stillHeld: after.map((token) => token.fingerprint),
  };
}

/**
 * Fingerprints of the tokens on `host` that the other persistent stores hold (whatever this
 * session's environment chose: a keychain is still there when GIT_CREDENTIAL_PAT_STORE=file).
 */
async function heldElsewhere(
  host: string,
  inPlay: readonly StoreInPlay[],
  data: AccountsData,
  deps: Deps,
): Promise<string[]> {
  const prints: string[] = [];
  for (const name of PERSISTENT_STORES) {
    if (inPlay.some((store) => store.name === name)) continue;
    try {
      const { store } = await persistentStore(name, deps);
      for (const token of tokensOnHost(await storedTokens(store, data), host)) prints.push(token.fingerprint);
    } catch (error) {
      // Not there in this session (no Secret Service): nothing of it to keep facts for, as list and
      // verify pass it over. Any other failure keeps them: facts kept for nothing do no harm.
      if (exitCodeOf(error) === 5) continue;
      return data.tokens.filter((facts) => sameHost(facts.host, host)).map((facts) => facts.fingerprint);
    }
  }
  return prints;
}

/**
 * What the cache daemons may hold of this login: every slot of its spellings (any path, any token),
 * and, for an entry found by its token under another name (x-access-token), only that token.
 */
function cachePatterns(host: string, login: string, removed: readonly Removed[]): Credential[] {
  const patterns = new Map<string, Credential>();
  const add = (key: string, pattern: Credential) => {
    if (!patterns.has(key)) patterns.set(key, pattern);
  };
  // The login as GitHub or the account spells it, and in lower case, as people type it at a prompt.
  for (const name of new Set([login, login.toLowerCase()]))
    add(`https\0${name}`, accountSlot({ host, login: name }));
  for (const { credential, fingerprint } of removed) {
    const { protocol, username } = credential;
    if (sameLogin(username, login))
      add(`${protocol}\0${username}`, { protocol, host: credential.host, username });
    else
      add(`${protocol}\0${username}\0${fingerprint}`, {
        protocol,
        host: credential.host,
        username,
        password: credential.password,
      });
  }
  return [...patterns.values()];
}

function report(
  host: string,
  login: string,
  removed: readonly Removed[],
  hadAccount: boolean,
  deps: Deps,
): void {
  const byToken = new Map<string, Removed[]>();
  for (const entry of removed)
    byToken.set(entry.fingerprint, [...(byToken.get(entry.fingerprint) ?? []), entry]);
  const storeNames = [...new Set(removed.map((entry) => entry.storeName))].join(" and ");
  const what =
    byToken.size === 0
      ? hadAccount
        ? "no token was stored; account forgotten"
        : "nothing was left to remove"
      : `${byToken.size === 1 ? "token" : `${byToken.size} tokens`} removed from ${storeNames}`;
  const lines = [`Logged out ${shownName(login)} from ${host} (${what})`];
  for (const entries of byToken.values()) {
    const first = entries[0] as Removed;
    const names = [...new Set(entries.map((entry) => shownName(entry.credential.username)))].join(", ");
    const count = entries.length === 1 ? "1 entry" : `${entries.length} entries`;
    // The entry's token, not a placeholder password when the token is kept as the username.
    lines.push(`  ${describeToken(first.token)}: ${count} (${names})`);
  }
  if (byToken.size > 0 && !hadAccount) lines.push("  (no account was recorded for it)");
  // --host comes from argv as typed: printable, like every name in the report.
  deps.io.out.write(`${lines.map(printable).join("\n")}\n`);
}

export function logoutCommand(deps: Deps): CommandModule<object, LogoutArgs> {
  return {
    command: "logout",
    describe: "forget a login's tokens on a host, whoever stored them (store, every cache, metadata)",
    builder: (yargs: Argv) =>
      yargs
        .option("host", { type: "string", default: GITHUB_HOST, describe: "the host" })
        .option("user", { type: "string", describe: "the login, when the host has tokens of several" })
        .option("store", {
          type: "string",
          describe: "keychain or file (default: the configured store and the accounts' stores)",
        })
        .option("revoke", {
          type: "boolean",
          describe:
            "also revoke each removed token on GitHub (POST /credentials/revoke); not revoked: exit 1, the local removal stays",
        })
        .example("$0 logout --host ghe.acme.com --user alice", "")
        .example(
          "$0 logout --revoke",
          "forget github.com's token here and revoke it on GitHub",
        ) as Argv<LogoutArgs>,
    handler: (argv: ArgumentsCamelCase<LogoutArgs>) => runLogout(toLogoutOptions(argv), deps),
  };
}

// doctor's "tokens" section: each account's token (in its store, unexpired, accepted, with the
// scopes git needs), tokens git stored that no account describes, and tokens from the environment.
// Tokens are read to confirm they are there, but only their fingerprints are kept in the facts.
import type { Account, AccountsData } from "../../accounts/account.js";
import { loadAccountsData } from "../../accounts/accounts-file.js";
import { expiryState } from "../../accounts/token-expiry.js";
import type { Deps } from "../../platform/deps.js";
import { shownName, userSelector } from "../../protocol/index.js";
import { envTokens } from "../../resolve/env-token-source.js";
import { fingerprint, looksLikeToken, type Secret } from "../../secret.js";
import type { Config, StoreName } from "../../settings.js";
import { parseKeychainAccount, parseKeychainSecret } from "../../stores/keyring-store.js";
import { chooseStoreName, openStore } from "../../stores/open-store.js";
import { formatExpiry, formatScopes, isoDate, kindLabel } from "../format.js";
import { type StoredToken, storedTokens } from "../stored-tokens.js";
import { tokenWarnings } from "../token-warnings.js";
import { commandLine } from "./command-line.js";
import type { ConfigFileFact, DoctorFacts, StoredState, TokenFact } from "./facts.js";
import { problemOf } from "./failure.js";
import type { Finding } from "./finding.js";
import type { KeychainProbe } from "./store.js";

type LoadedAccounts =
  | { kind: "ok"; list: Account[]; data: AccountsData }
  | { kind: "error"; message: string; hint: string | undefined };

/** Where tokens come from: the accounts file, the stores and the environment, and the hosts they serve. */
export interface TokenSources {
  accounts: LoadedAccounts;
  envTokens: DoctorFacts["envTokens"];
  storedTokens: StoredToken[];
  /** Hosts with a token (accounts and environment), lower case. */
  tokenHosts: string[];
}

export async function gatherTokenSources(configFile: ConfigFileFact, deps: Deps): Promise<TokenSources> {
  const envFacts = envTokens(deps.env).map(({ host, variable }) => ({ host, variable }));
  const accounts = await loadAccountsData(deps).then(
    (data): LoadedAccounts => ({ kind: "ok", list: data.accounts, data }),
    (error: unknown): LoadedAccounts => ({ kind: "error", ...problemOf(error) }),
  );
  const held =
    configFile.kind === "ok" && accounts.kind === "ok"
      ? await heldTokens(configFile.config, accounts.data, deps)
      : [];
  const tokenHosts = [
    ...new Set([
      ...(accounts.kind === "ok" ? accounts.list.map((account) => account.host.toLowerCase()) : []),
      ...held.flatMap(({ credential }) =>
        credential.protocol === "https" ? [credential.host.toLowerCase()] : [],
      ),
      ...envFacts.map((entry) => entry.host),
    ]),
  ];
  return { accounts, envTokens: envFacts, storedTokens: held, tokenHosts };
}

/**
 * The tokens the configured store and the accounts' stores hold. A store that cannot be read (no
 * Secret Service) is left out here: the keychain's own finding says why.
 */
async function heldTokens(config: Config, data: AccountsData, deps: Deps): Promise<StoredToken[]> {
  let configured: StoreName | undefined;
  try {
    configured = chooseStoreName(undefined, config, deps.env);
  } catch {
    // A bad store name is reported with the config file.
  }
  const names = [...new Set([configured, ...data.accounts.map((account) => account.store)])].filter(
    (name): name is StoreName => name !== undefined && name !== "memory",
  );
  const held: StoredToken[] = [];
  for (const name of names) {
    try {
      held.push(...(await storedTokens(await openStore(name, config, deps), data)));
    } catch {
      // Unreadable: see above.
    }
  }
  return held;
}

/** Each account with whether its store holds its token (the keychain as `probe` listed it). */
export async function gatherAccountTokens(
  accounts: LoadedAccounts,
  config: Config,
  keychain: KeychainProbe | undefined,
  deps: Deps,
): Promise<DoctorFacts["accounts"]> {
  if (accounts.kind !== "ok") return accounts;
  const tokens = await Promise.all(
    accounts.list.map(async (account) => ({
      account,
      stored: await storedState(account, config, keychain, deps),
    })),
  );
  return { kind: "ok", tokens };
}

async function storedState(
  account: Account,
  config: Config,
  keychain: KeychainProbe | undefined,
  deps: Deps,
): Promise<StoredState> {
  const matches = (host: string, username: string) =>
    host.toLowerCase() === account.host.toLowerCase() &&
    username.toLowerCase() === account.login.toLowerCase();
  let secret: Secret | undefined;
  if (account.store === "keychain") {
    if (keychain?.kind !== "ok") return "unknown";
    const item = keychain.items.find((candidate) => {
      const slot = parseKeychainAccount(candidate.account);
      return slot !== undefined && slot.protocol === "https" && matches(slot.host, slot.username);
    });
    // The item's secret is the token plus the attributes kept beside it (keychainSecret).
    secret = item === undefined ? undefined : parseKeychainSecret(item.password)?.password;
  } else if (account.store === "file") {
    try {
      const store = await openStore("file", config, deps);
      secret = (await store.list()).find(
        (entry) => entry.protocol === "https" && matches(entry.host, entry.username),
      )?.password;
    } catch {
      return "unknown";
    }
  } else {
    return "unknown";
  }
  if (secret === undefined) return "missing";
  return fingerprint(secret) === account.fingerprint ? "present" : "different";
}

const area = "tokens";

export function checkTokens(
  facts: Pick<DoctorFacts, "accounts" | "envTokens" | "storedTokens" | "nowMs" | "soonDays">,
): Finding[] {
  if (facts.accounts.kind === "error") {
    // The file's own advice (move the broken file aside); there is nothing to list until then.
    const fix = facts.accounts.hint ?? "move the file aside, then git-credential-pat login";
    return [{ area, status: "fail", message: facts.accounts.message, fix }];
  }
  const { tokens } = facts.accounts;
  // Tokens no account describes: git stored them from its prompt, or import did.
  const others = unaccountedTokens(facts.storedTokens, tokens);
  if (tokens.length === 0 && others.length === 0 && facts.envTokens.length === 0) {
    return [
      {
        area,
        status: "warn",
        message: "no tokens: git-credential-pat has nothing to give git",
        fix: "git-credential-pat login",
      },
    ];
  }
  return [
    ...tokens.flatMap((token) => accountFindings(token, facts)),
    ...others.flatMap((token) => storedTokenFindings(token, facts)),
    ...facts.envTokens.map((env) => envTokenFinding(env, tokens, others)),
  ];
}

function accountFindings(
  { account, stored }: TokenFact,
  facts: Pick<DoctorFacts, "nowMs" | "soonDays">,
): Finding[] {
  const who = `${account.login}@${account.host}`;
  const flags = commandLine(["--host", account.host, "--user", account.login]);
  const rotate = `git-credential-pat rotate ${flags}`;
  const findings: Finding[] = [];
  if (stored === "missing") {
    findings.push({
      area,
      status: "fail",
      message: `${who}: no token in the ${account.store} store`,
      fix: `git-credential-pat login ${flags}`,
    });
  } else if (stored === "different") {
    findings.push({
      area,
      status: "warn",
      message: `${who}: the stored token is not the one last checked`,
      fix: `git-credential-pat verify ${flags}`,
    });
  }
  findings.push(
    ...expiryFindings(who, account.expiresAtMs, account.lastCheck, account.lastCheckedAtMs, rotate, facts),
  );
  findings.push(...scopeFindings(who, account.kind, account.scopes, rotate));
  // Advice for a token GitHub accepted; a rejected one is to be replaced anyway.
  if (account.lastCheck === "valid") {
    findings.push(...adviceFindings(who, account.kind, account.scopes, account.expiresAtMs, rotate));
  }
  if (findings.length > 0) return findings;
  return [
    {
      area,
      status: "ok",
      message: `${who}: ${kindLabel(account.kind)} token, expires ${formatExpiry(account.expiresAtMs, facts.nowMs)}, scopes ${formatScopes(account.scopes, account.kind)}`,
    },
  ];
}

/** An environment variable's token, which `get` hands out before any stored token for its host. */
function envTokenFinding(
  env: { host: string; variable: string },
  tokens: readonly TokenFact[],
  others: readonly StoredToken[],
): Finding {
  const shadowed =
    tokens.some(({ account }) => account.host.toLowerCase() === env.host) ||
    others.some((token) => token.credential.host.toLowerCase() === env.host);
  return shadowed
    ? {
        area,
        status: "warn",
        message: `${env.variable} is set and is used before the stored token for ${env.host}`,
        fix: `unset ${env.variable}`,
      }
    : { area, status: "ok", message: `${env.variable} serves ${env.host} (from the environment)` };
}

/** Stored tokens, once per host and token, that no account's record describes. */
function unaccountedTokens(
  held: readonly StoredToken[],
  accounts: ReadonlyArray<{ account: Account }>,
): StoredToken[] {
  const seen = new Set<string>();
  return held.filter((token) => {
    const host = token.credential.host.toLowerCase();
    const key = `${host} ${token.fingerprint}`;
    const isAccounts = accounts.some(
      ({ account }) =>
        account.host.toLowerCase() === host &&
        (account.fingerprint === token.fingerprint ||
          account.login.toLowerCase() === token.credential.username.toLowerCase()),
    );
    if (seen.has(key) || isAccounts || token.credential.protocol !== "https") return false;
    seen.add(key);
    return true;
  });
}

function storedTokenFindings(token: StoredToken, facts: Pick<DoctorFacts, "nowMs" | "soonDays">): Finding[] {
  const { host, username } = token.credential;
  const login = token.facts?.login ?? username;
  // git keeps `https://TOKEN@host/…`'s token as the username: described, never shown.
  const who = `${shownName(login)}@${host}`;
  const verify = `git-credential-pat verify ${commandLine(["--host", host])}`;
  // A token kept as the username (a remote URL's) goes with that URL, named as list shows it
  // (logout takes that for --user: a bare `logout --host` would log out the host's default
  // account, and the token itself must not be typed); verify and rotate leave such entries alone.
  // A token whose login nobody knows (a token as the username, another as the password) is verified first.
  const rotate = token.isTokenAsUsername
    ? `git-credential-pat logout ${commandLine(["--host", host, "--user", userSelector(username)])}, then git-credential-pat login ${commandLine(["--host", host])}`
    : looksLikeToken(login)
      ? verify
      : `git-credential-pat rotate ${commandLine(["--host", host, "--user", login])}`;
  const findings = [
    ...expiryFindings(who, token.expiresAtMs, token.facts?.check, token.facts?.checkedAtMs, rotate, facts),
  ];
  if (token.facts === undefined) {
    findings.push({
      area,
      status: "warn",
      message: token.isTokenAsUsername
        ? `${who}: a ${kindLabel(token.kind)} token git keeps as the username (a remote URL https://TOKEN@…): it cannot be verified as stored, and anyone who reads the URL has it`
        : `${who}: a ${kindLabel(token.kind)} token git stored, never verified: its login, scopes and expiry are unknown`,
      fix: token.isTokenAsUsername ? rotate : verify,
    });
    return findings;
  }
  findings.push(...scopeFindings(who, token.kind, token.facts.scopes, rotate));
  if (token.facts.check === "valid") {
    findings.push(...adviceFindings(who, token.kind, token.facts.scopes, token.expiresAtMs, rotate));
  }
  if (findings.length === 0) {
    findings.push({
      area,
      status: "ok",
      message: `${who}: ${kindLabel(token.kind)} token, expires ${formatExpiry(token.expiresAtMs, facts.nowMs)}, scopes ${formatScopes(token.facts.scopes, token.kind)}`,
    });
  }
  return findings;
}

function expiryFindings(
  who: string,
  expiresAtMs: number | undefined,
  lastCheck: string | undefined,
  lastCheckedAtMs: number | undefined,
  rotate: string,
  facts: Pick<DoctorFacts, "nowMs" | "soonDays">,
): Finding[] {
  const expiry = expiryState(expiresAtMs, facts.nowMs, facts.soonDays);
  if (expiry === "expired") {
    return [
      {
        area,
        status: "fail",
        message: `${who}: token ${formatExpiry(expiresAtMs, facts.nowMs)}`,
        fix: rotate,
      },
    ];
  }
  if (lastCheck === "rejected") {
    const when = lastCheckedAtMs === undefined ? "" : ` on ${isoDate(lastCheckedAtMs)}`;
    return [{ area, status: "fail", message: `${who}: GitHub rejected the token${when}`, fix: rotate }];
  }
  if (expiry === "soon") {
    return [
      {
        area,
        status: "warn",
        message: `${who}: token expires ${formatExpiry(expiresAtMs, facts.nowMs)}`,
        fix: rotate,
      },
    ];
  }
  return [];
}

function scopeFindings(
  who: string,
  kind: string,
  scopes: readonly string[] | undefined,
  rotate: string,
): Finding[] {
  if (kind !== "classic" || scopes === undefined || scopes.includes("repo")) return [];
  return [
    {
      area: "tokens",
      status: "warn",
      message: `${who}: classic token without the "repo" scope (has ${formatScopes(scopes)}): git can only reach public repositories with it`,
      fix: `create a token with the "repo" scope, then ${rotate}`,
    },
  ];
}

/** GitHub's advice (least privilege, an expiry) for a token whose scopes and expiry are known. */
function adviceFindings(
  who: string,
  kind: string,
  scopes: readonly string[] | undefined,
  expiresAtMs: number | undefined,
  rotate: string,
): Finding[] {
  return tokenWarnings({ kind, scopes, expiresAtMs, isVerified: true }).map((warning) => ({
    area: "tokens",
    status: "warn" as const,
    message: `${who}: ${warning}`,
    fix: rotate,
  }));
}

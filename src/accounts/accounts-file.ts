// accounts.json in the config directory: what we know about each account, never a token.
// Read on git's `get` path (one small file), rewritten by people's commands under the lock.

import { PatError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { joinPath } from "../posix-path.js";
import { ensurePrivateDir, readPrivateFile, rewritePrivateFile } from "../private-files.js";
import type { TokenKind } from "../secret.js";
import { configDir, DEFAULTS, ENV, positiveInt, STORE_NAMES, type StoreName } from "../settings.js";
import type { Account, AccountsData, AccountsFile, TokenFacts } from "./account.js";

export type AccountsFileDeps = Pick<Deps, "env" | "paths" | "fs" | "clock" | "uid" | "deferSignals">;

export const ACCOUNTS_FILE_VERSION = 1;

export function accountsFilePath(deps: Pick<Deps, "env" | "paths">): string {
  return joinPath(configDir(deps.env, deps.paths), "accounts.json");
}

/** The accounts in accounts.json; none when the file does not exist. */
export async function loadAccounts(deps: AccountsFileDeps): Promise<Account[]> {
  return (await loadAccountsData(deps)).accounts;
}

/** Everything accounts.json holds: the accounts and the facts about stored tokens. */
export async function loadAccountsData(deps: AccountsFileDeps): Promise<AccountsData> {
  const path = accountsFilePath(deps);
  const { accounts, tokens } = decodeAccountsFile(path, await readPrivateFile(path, deps));
  return { accounts, tokens };
}

/**
 * Read-modify-write of accounts.json under its lock (`accounts.json.lock`), so concurrent
 * logins never lose each other's accounts. `mutate` gets the current accounts (read once the
 * lock is held) and returns the new list; the file (0600, in a 0700 config directory) is
 * replaced atomically, and only when the list really changed. A broken file is refused and left
 * exactly as it was. Fields this version does not know are kept for an account whose token
 * (fingerprint) is unchanged, and at the top level. Returns the accounts as written.
 * An async `mutate` runs with the lock held: login, rotate and logout change the token store
 * there, so a broken or unwritable accounts file stops them before the store changes.
 */
export async function updateAccounts(
  mutate: (accounts: Account[]) => Account[] | Promise<Account[]>,
  deps: AccountsFileDeps,
): Promise<Account[]> {
  const data = await updateAccountsData(
    async (current) => ({ ...current, accounts: await mutate(current.accounts) }),
    deps,
  );
  return data.accounts;
}

/**
 * updateAccounts for the whole file: the accounts and the facts about stored tokens change
 * together, under the same lock. Returns what was written.
 */
export async function updateAccountsData(
  mutate: (data: AccountsData) => AccountsData | Promise<AccountsData>,
  deps: AccountsFileDeps,
): Promise<AccountsData> {
  const path = accountsFilePath(deps);
  await ensurePrivateDir(configDir(deps.env, deps.paths), "private", deps);
  let result: AccountsData = { accounts: [], tokens: [] };
  await rewritePrivateFile(
    path,
    async (current) => {
      const before = decodeAccountsFile(path, current);
      result = await mutate({ accounts: [...before.accounts], tokens: [...before.tokens] });
      // Never write a file the next read would refuse (a login with a space, an unknown store).
      const refuse = (what: string): never => {
        throw new PatError(`refusing to write ${path}: ${what}`);
      };
      result.accounts.forEach((account, index) => {
        decodeAccount(account, (what) => refuse(`accounts[${index}]${what}`));
      });
      result.tokens.forEach((facts, index) => {
        decodeTokenFacts(facts, (what) => refuse(`tokens[${index}]${what}`));
      });
      const beforeText = current === undefined ? undefined : encodeAccountsFile(before, before);
      const afterText = encodeAccountsFile(result, before);
      if (beforeText === undefined)
        return result.accounts.length === 0 && result.tokens.length === 0 ? undefined : afterText;
      return afterText === beforeText ? undefined : afterText;
    },
    { lockTimeoutMs: positiveInt(deps.env[ENV.lockTimeoutMs], DEFAULTS.lockTimeoutMs) },
    deps,
  );
  return result;
}

/** Fields of a file written by a newer version, carried through a rewrite by this one. */
interface UnknownFields {
  top: Record<string, unknown>;
  /** Per account key (host/login, lower case): the token's fingerprint and the extra fields. */
  perAccount: Map<string, { fingerprint: string; fields: Record<string, unknown> }>;
}

interface Decoded extends UnknownFields, AccountsData {}

const TOKEN_KINDS = [
  "classic",
  "fine-grained",
  "oauth",
  "user-to-server",
  "server-to-server",
  "refresh",
  "other",
] as const satisfies readonly TokenKind[];
// Fails to compile when secret.ts gains a kind this list does not have.
const _allKinds: readonly (typeof TOKEN_KINDS)[number][] = [] as TokenKind[];

const LAST_CHECKS = ["valid", "rejected", "expired"] as const;

/** Every Account field, in the order they are written. */
const ACCOUNT_FIELDS = [
  "host",
  "login",
  "apiUrl",
  "kind",
  "fingerprint",
  "scopes",
  "expiresAtMs",
  "lastCheckedAtMs",
  "lastCheck",
  "isDefault",
  "owners",
  "store",
  "rotatedAtMs",
] as const satisfies readonly (keyof Account)[];
const _allFields: readonly (typeof ACCOUNT_FIELDS)[number][] = [] as (keyof Account)[];

const TOP_FIELDS = ["version", "accounts", "tokens"];

/** Every TokenFacts field, in the order they are written. */
const TOKEN_FACTS_FIELDS = [
  "host",
  "fingerprint",
  "login",
  "kind",
  "scopes",
  "expiresAtMs",
  "checkedAtMs",
  "check",
  "apiUrl",
] as const satisfies readonly (keyof TokenFacts)[];
const _allFactsFields: readonly (typeof TOKEN_FACTS_FIELDS)[number][] = [] as (keyof TokenFacts)[];

function accountKey(host: string, login: string): string {
  return `${host.toLowerCase()}/${login.toLowerCase()}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function extraFields(record: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !known.includes(key)));
}

/** Parses and checks every field: JSON on disk is never trusted (people edit it by hand). */
function decodeAccountsFile(path: string, content: Buffer | undefined): Decoded {
  const empty: Decoded = { accounts: [], tokens: [], top: {}, perAccount: new Map() };
  if (content === undefined) return empty;
  const hint = `fix it, or move it aside and log in again: mv "${path}" "${path}.bak"`;
  const fail = (what: string): never => {
    throw new PatError(`accounts file ${path} ${what}`, { hint });
  };
  const failField = (what: string): never => {
    throw new PatError(`accounts file ${path}: ${what}`, { hint });
  };
  let data: unknown;
  try {
    data = JSON.parse(content.toString("utf8"));
  } catch {
    return fail("is not valid JSON");
  }
  if (!isRecord(data)) return fail("must hold a JSON object");
  if (typeof data.version === "number" && data.version > ACCOUNTS_FILE_VERSION) {
    throw new PatError(
      `accounts file ${path} has version ${data.version}, written by a newer git-credential-pat; this one reads version ${ACCOUNTS_FILE_VERSION}`,
      { hint: "upgrade git-credential-pat" },
    );
  }
  if (data.version !== ACCOUNTS_FILE_VERSION) return fail(`must have "version": ${ACCOUNTS_FILE_VERSION}`);
  if (!Array.isArray(data.accounts)) return fail('must have an "accounts" array');
  const decoded: Decoded = {
    accounts: [],
    tokens: [],
    top: extraFields(data, TOP_FIELDS),
    perAccount: new Map(),
  };
  if (data.tokens !== undefined && !Array.isArray(data.tokens)) return fail('"tokens" must be an array');
  (data.tokens ?? []).forEach((entry: unknown, index: number) => {
    decoded.tokens.push(decodeTokenFacts(entry, (what) => failField(`tokens[${index}]${what}`)));
  });
  data.accounts.forEach((entry: unknown, index: number) => {
    const account = decodeAccount(entry, (what) => failField(`accounts[${index}]${what}`));
    decoded.accounts.push(account);
    const fields = extraFields(entry as Record<string, unknown>, ACCOUNT_FIELDS);
    if (Object.keys(fields).length > 0) {
      decoded.perAccount.set(accountKey(account.host, account.login), {
        fingerprint: account.fingerprint,
        fields,
      });
    }
  });
  return decoded;
}

/** A name printed in messages and compared with what git sends: no spaces or control characters. */
const NAME = /^[^\s\p{Cc}]+$/u;

function decodeAccount(entry: unknown, fail: (what: string) => never): Account {
  if (!isRecord(entry)) return fail(" must be an object");
  // JSON has no undefined: an optional field written as null is read as absent.
  const optional = (key: string): unknown => (entry[key] === null ? undefined : entry[key]);
  const name = (key: "host" | "login"): string => {
    const value = entry[key];
    return typeof value === "string" && NAME.test(value)
      ? value
      : fail(`.${key} must be a non-empty string without spaces`);
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T => {
    const value = entry[key];
    return values.includes(value as T)
      ? (value as T)
      : fail(`.${key} must be one of ${values.map((v) => `"${v}"`).join(", ")}`);
  };
  const time = (key: "expiresAtMs" | "lastCheckedAtMs" | "rotatedAtMs"): number | undefined => {
    const value = optional(key);
    if (value === undefined) return undefined;
    return typeof value === "number" && Number.isFinite(value)
      ? value
      : fail(`.${key} must be a time in epoch milliseconds`);
  };
  const strings = (key: "scopes" | "owners", value: unknown): string[] =>
    Array.isArray(value) && value.every((item) => typeof item === "string")
      ? [...value]
      : fail(`.${key} must be an array of strings`);

  const account: Account = {
    host: name("host"),
    login: name("login"),
    kind: oneOf("kind", TOKEN_KINDS),
    fingerprint:
      typeof entry.fingerprint === "string" && /^[0-9a-f]+$/.test(entry.fingerprint)
        ? entry.fingerprint
        : fail(".fingerprint must be a string of hex digits"),
    isDefault:
      typeof entry.isDefault === "boolean" ? entry.isDefault : fail(".isDefault must be true or false"),
    owners: strings("owners", entry.owners),
    store: oneOf<StoreName>("store", STORE_NAMES),
  };
  const apiUrl = optional("apiUrl");
  if (apiUrl !== undefined) {
    account.apiUrl =
      typeof apiUrl === "string" && /^https?:\/\/\S+$/i.test(apiUrl)
        ? apiUrl
        : fail(".apiUrl must be an http(s) URL");
  }
  const scopes = optional("scopes");
  if (scopes !== undefined) account.scopes = strings("scopes", scopes);
  const lastCheck = optional("lastCheck");
  if (lastCheck !== undefined) account.lastCheck = oneOf("lastCheck", LAST_CHECKS);
  for (const key of ["expiresAtMs", "lastCheckedAtMs", "rotatedAtMs"] as const) {
    const value = time(key);
    if (value !== undefined) account[key] = value;
  }
  return account;
}

function decodeTokenFacts(entry: unknown, fail: (what: string) => never): TokenFacts {
  if (!isRecord(entry)) return fail(" must be an object");
  const optional = (key: string): unknown => (entry[key] === null ? undefined : entry[key]);
  const name = (key: "host" | "login"): string => {
    const value = entry[key];
    return typeof value === "string" && NAME.test(value)
      ? value
      : fail(`.${key} must be a non-empty string without spaces`);
  };
  const time = (value: unknown, key: string): number =>
    typeof value === "number" && Number.isFinite(value)
      ? value
      : fail(`.${key} must be a time in epoch milliseconds`);
  const oneOf = <T extends string>(key: string, values: readonly T[]): T =>
    values.includes(entry[key] as T)
      ? (entry[key] as T)
      : fail(`.${key} must be one of ${values.map((v) => `"${v}"`).join(", ")}`);
  const facts: TokenFacts = {
    host: name("host"),
    fingerprint:
      typeof entry.fingerprint === "string" && /^[0-9a-f]+$/.test(entry.fingerprint)
        ? entry.fingerprint
        : fail(".fingerprint must be a string of hex digits"),
    login: name("login"),
    kind: oneOf("kind", TOKEN_KINDS),
    checkedAtMs: time(entry.checkedAtMs, "checkedAtMs"),
    check: oneOf("check", LAST_CHECKS),
  };
  const scopes = optional("scopes");
  if (scopes !== undefined) {
    facts.scopes =
      Array.isArray(scopes) && scopes.every((item) => typeof item === "string")
        ? [...scopes]
        : fail(".scopes must be an array of strings");
  }
  const expiresAtMs = optional("expiresAtMs");
  if (expiresAtMs !== undefined) facts.expiresAtMs = time(expiresAtMs, "expiresAtMs");
  const apiUrl = optional("apiUrl");
  if (apiUrl !== undefined) {
    facts.apiUrl =
      typeof apiUrl === "string" && /^https?:\/\/\S+$/i.test(apiUrl)
        ? apiUrl
        : fail(".apiUrl must be an http(s) URL");
  }
  return facts;
}

function encodeAccountsFile(data: AccountsData, unknown: UnknownFields): string {
  const { accounts, tokens } = data;
  const encoded = accounts.map((account) => {
    const known = Object.fromEntries(
      ACCOUNT_FIELDS.flatMap((key) => (account[key] === undefined ? [] : [[key, account[key]]])),
    );
    const kept = unknown.perAccount.get(accountKey(account.host, account.login));
    // Unknown fields describe the token they were written with; a new token starts without them.
    return kept && kept.fingerprint === account.fingerprint ? { ...known, ...kept.fields } : known;
  });
  const facts = tokens.map((entry) =>
    Object.fromEntries(
      TOKEN_FACTS_FIELDS.flatMap((key) => (entry[key] === undefined ? [] : [[key, entry[key]]])),
    ),
  );
  // AccountsFile's shape (no "tokens" key until there are any), plus whatever a newer version added.
  const file: Partial<Record<keyof AccountsFile, unknown>> = {
    version: ACCOUNTS_FILE_VERSION,
    accounts: encoded,
    ...(facts.length === 0 ? {} : { tokens: facts }),
    ...unknown.top,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

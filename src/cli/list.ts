// `git-credential-pat list`: every credential the store holds, whoever stored it (login, git's
// prompt, import), joined with what is known about its token; accounts whose token is gone; and
// the environment's tokens. Never a token.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account, AccountsData } from "../accounts/account.js";
import { sameHost, sameLogin } from "../accounts/accounts.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { expiryState } from "../accounts/token-expiry.js";
import { exitCodeOf } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { printable, shownName } from "../protocol/index.js";
import { envTokens } from "../resolve/env-token-source.js";
import { fingerprint, tokenKind } from "../secret.js";
import { expiryWarningDays } from "../settings.js";
import { storesInUse } from "./command-kit.js";
import { formatExpiry, formatScopes, kindLabel, paint } from "./format.js";
import { type StoredToken, storedTokens } from "./stored-tokens.js";
import { tokenWarnings } from "./token-warnings.js";

export interface ListOptions {
  json: boolean;
}

interface ListArgs {
  json?: boolean;
}

export function toListOptions(argv: ListArgs): ListOptions {
  return { json: argv.json ?? false };
}

/** One row of `list`, as `--json` prints it. */
export interface ListRow {
  host: string;
  /** The repository path the entry is kept for (credential.useHttpPath), or null: host-wide. */
  path: string | null;
  /** The username git sends with the token (what the store keeps it under). */
  username: string | null;
  /** The GitHub login the token authenticates as; null until someone verified it. */
  login: string | null;
  kind: string;
  fingerprint: string;
  scopes: string[] | null;
  expiresAt: string | null;
  expiry: "none" | "ok" | "soon" | "expired";
  source: string;
  isDefault: boolean;
  owners: string[];
  lastCheckedAt: string | null;
  lastCheck: string | null;
  /** Whether GitHub was ever asked about this token (`verify`, `login`, or learning after git's store). */
  isVerified: boolean;
  /** GitHub's advice the token does not follow, and what is missing. */
  warnings: string[];
}

export async function runList(opts: ListOptions, deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const soonDays = expiryWarningDays(deps.env);
  const data = await loadAccountsData(deps);
  const rows: ListRow[] = [];
  for (const { name, store, isOnlyDefault } of await storesInUse(data.accounts, deps)) {
    let tokens: StoredToken[];
    try {
      tokens = await storedTokens(store, data);
    } catch (error) {
      // A keychain this session cannot reach (no Secret Service): the other stores and the
      // environment's tokens are still worth showing.
      // (By exit code: the keychain's errors come from the other bundle of the binary, errors.ts exitCodeOf.)
      if (exitCodeOf(error) !== 5) throw error;
      if (isOnlyDefault) continue;
      const message = error instanceof Error ? error.message : String(error);
      deps.io.err.write(`git-credential-pat: warning: cannot read the ${name} store: ${message}\n`);
      continue;
    }
    rows.push(...tokens.map((token) => storedRow(token, name, data.accounts, now, soonDays)));
    rows.push(...missingRows(data, name, tokens));
  }
  rows.push(...envRows(deps));
  if (opts.json) {
    deps.io.out.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    deps.io.out.write(
      'No tokens. Add one with "git-credential-pat login", or let git keep the one you give at its prompt.\n',
    );
    return;
  }
  printTable(rows, now, deps);
}

function printTable(rows: readonly ListRow[], now: number, deps: Deps): void {
  const tty = deps.io.isStdoutTTY;
  const table = [
    ["HOST", "LOGIN", "KIND", "SCOPES", "EXPIRES", "SOURCE", "ROUTING", "CHECKED"],
    ...rows.map((row) => [
      row.path ? `${row.host}/${row.path}` : row.host,
      row.login ?? (row.username === null ? "-" : `${row.username} (unverified)`),
      row.kind,
      row.isVerified || row.scopes !== null ? formatScopes(row.scopes ?? undefined, row.kind) : "unknown",
      row.expiresAt ? formatExpiry(Date.parse(row.expiresAt), now) : row.isVerified ? "never" : "unknown",
      row.source,
      [row.isDefault ? "default" : "", ...row.owners.map((owner) => `${owner}/*`)]
        .filter(Boolean)
        .join(" ") || "-",
      row.lastCheckedAt
        ? `${row.lastCheckedAt.slice(0, 10)}${row.lastCheck && row.lastCheck !== "valid" ? ` (${row.lastCheck})` : ""}`
        : "never",
    ]),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((line) => (line[i] ?? "").length))) ?? [];
  table.forEach((line, index) => {
    const text = line
      .map((cell, i) => printable(cell).padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
    const state = index === 0 ? undefined : rows[index - 1]?.expiry;
    deps.io.out.write(
      `${state === "expired" ? paint(text, "red", tty) : state === "soon" ? paint(text, "yellow", tty) : text}\n`,
    );
  });
  for (const row of rows) {
    const who = `${row.login ?? row.username ?? "?"}@${row.host}`;
    for (const warning of row.warnings)
      deps.io.out.write(`${paint("warning", "yellow", tty)}: ${printable(`${who}: ${warning}`)}\n`);
  }
  const hosts = [
    ...new Set(rows.filter((row) => !row.isVerified && row.username !== null).map((row) => row.host)),
  ];
  if (hosts.length > 0) {
    const flags = hosts.length === 1 ? ` --host ${printable(hosts[0] as string)}` : "";
    deps.io.out.write(
      `Not verified yet: run "git-credential-pat verify${flags}" to learn their login, scopes and expiry.\n`,
    );
  }
}

/** The routing account of a stored token: its login's, else the one named like git's username. */
function routingAccount(token: StoredToken, accounts: readonly Account[]): Account | undefined {
  const { host, username } = token.credential;
  const onHost = accounts.filter((account) => sameHost(account.host, host));
  return (
    onHost.find((account) => account.fingerprint === token.fingerprint) ??
    onHost.find((account) => token.facts !== undefined && sameLogin(account.login, token.facts.login)) ??
    onHost.find((account) => sameLogin(account.login, username))
  );
}

function storedRow(
  token: StoredToken,
  source: string,
  accounts: readonly Account[],
  now: number,
  soonDays: number,
): ListRow {
  const { credential, facts } = token;
  const account = routingAccount(token, accounts);
  const isVerified = facts !== undefined;
  return {
    host: credential.host,
    path: credential.path ?? null,
    // git stores `https://TOKEN@github.com/…`'s token as the username: described, never shown.
    username: shownName(credential.username),
    login: facts?.login ?? null,
    kind: kindLabel(token.kind),
    fingerprint: token.fingerprint,
    scopes: facts?.scopes ?? null,
    expiresAt: token.expiresAtMs === undefined ? null : new Date(token.expiresAtMs).toISOString(),
    expiry: expiryState(token.expiresAtMs, now, soonDays),
    source,
    isDefault: account?.isDefault ?? false,
    owners: account?.owners ?? [],
    lastCheckedAt: facts === undefined ? null : new Date(facts.checkedAtMs).toISOString(),
    lastCheck: facts?.check ?? null,
    isVerified,
    warnings: [
      ...tokenWarnings({
        kind: token.kind,
        scopes: facts?.scopes,
        expiresAtMs: token.expiresAtMs,
        isVerified,
      }),
      ...(facts?.check === "rejected"
        ? ["GitHub rejected it when last checked: rotate or log in again"]
        : []),
    ],
  };
}

/** Accounts of this store whose token the store no longer holds (removed by hand, another machine's). */
function missingRows(data: AccountsData, source: string, tokens: readonly StoredToken[]): ListRow[] {
  return data.accounts
    .filter(
      (account) =>
        account.store === source &&
        !tokens.some(
          (token) =>
            sameHost(token.credential.host, account.host) &&
            (token.fingerprint === account.fingerprint ||
              sameLogin(token.credential.username, account.login)),
        ),
    )
    .map((account) => ({
      host: account.host,
      path: null,
      username: null,
      login: account.login,
      kind: kindLabel(account.kind),
      fingerprint: account.fingerprint,
      scopes: account.scopes ?? null,
      expiresAt: null,
      expiry: "none" as const,
      source,
      isDefault: account.isDefault,
      owners: account.owners,
      lastCheckedAt:
        account.lastCheckedAtMs === undefined ? null : new Date(account.lastCheckedAtMs).toISOString(),
      lastCheck: account.lastCheck ?? null,
      isVerified: account.lastCheckedAtMs !== undefined,
      warnings: [
        `no token stored in ${source}: run "git-credential-pat login --host ${account.host} --user ${account.login}"`,
      ],
    }));
}

/** Environment tokens are read-only and shown unverified: neither `list` nor `verify` asks GitHub about them. */
function envRows(deps: Deps): ListRow[] {
  return envTokens(deps.env).map((entry) => ({
    host: entry.host,
    path: null,
    username: null,
    login: null,
    kind: kindLabel(tokenKind(entry.token)),
    fingerprint: fingerprint(entry.token),
    scopes: null,
    expiresAt: null,
    expiry: "none",
    source: `env ${entry.variable}`,
    isDefault: false,
    owners: [],
    lastCheckedAt: null,
    lastCheck: null,
    isVerified: false,
    warnings: [],
  }));
}

export function listCommand(deps: Deps): CommandModule<object, ListArgs> {
  return {
    command: "list",
    describe:
      "show every token the store holds and the environment's: host, login, kind, scopes, expiry, where (never the token)",
    builder: (yargs: Argv) =>
      yargs
        .option("json", { type: "boolean", describe: "print JSON" })
        .example("$0 list --json", "") as Argv<ListArgs>,
    handler: (argv: ArgumentsCamelCase<ListArgs>) => runList(toListOptions(argv), deps),
  };
}

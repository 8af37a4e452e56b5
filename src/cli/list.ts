// `git-credential-pat list`: every account we know, plus environment tokens. Never a token.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account } from "../accounts/account.js";
import { loadAccounts } from "../accounts/accounts-file.js";
import type { Deps } from "../platform/deps.js";
import { fingerprint, tokenKind } from "../secret.js";
import { DEFAULTS, ENV, positiveInt } from "../settings.js";
import { envTokens } from "../stores/env-token-source.js";
import { expiryState, formatExpiry, formatScopes, kindLabel, paint } from "./format.js";

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
}

export async function runList(opts: ListOptions, deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const soonDays = positiveInt(deps.env[ENV.expiryWarningDays], DEFAULTS.expiryWarningDays);
  const rows = [
    ...(await loadAccounts(deps)).map((account) => accountRow(account, now, soonDays)),
    ...envRows(deps),
  ];
  if (opts.json) {
    deps.io.out.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    deps.io.out.write('No accounts. Add one with "git-credential-pat login".\n');
    return;
  }
  const tty = deps.io.isStdoutTTY;
  const table = [
    ["HOST", "LOGIN", "KIND", "SCOPES", "EXPIRES", "SOURCE", "ROUTING", "CHECKED"],
    ...rows.map((row) => [
      row.host,
      row.login ?? "-",
      row.kind,
      formatScopes(row.scopes ?? undefined, row.kind),
      row.expiresAt ? formatExpiry(Date.parse(row.expiresAt), now) : "never",
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
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
    const state = index === 0 ? undefined : rows[index - 1]?.expiry;
    deps.io.out.write(
      `${state === "expired" ? paint(text, "red", tty) : state === "soon" ? paint(text, "yellow", tty) : text}\n`,
    );
  });
}

function accountRow(account: Account, now: number, soonDays: number): ListRow {
  return {
    host: account.host,
    login: account.login,
    kind: kindLabel(account.kind),
    fingerprint: account.fingerprint,
    scopes: account.scopes ?? null,
    expiresAt: account.expiresAtMs === undefined ? null : new Date(account.expiresAtMs).toISOString(),
    expiry: expiryState(account.expiresAtMs, now, soonDays),
    source: account.store,
    isDefault: account.isDefault,
    owners: account.owners,
    lastCheckedAt:
      account.lastCheckedAtMs === undefined ? null : new Date(account.lastCheckedAtMs).toISOString(),
    lastCheck: account.lastCheck ?? null,
  };
}

/** Environment tokens are read-only and unverified here: `verify` checks them. */
function envRows(deps: Deps): ListRow[] {
  return envTokens(deps.env).map((entry) => ({
    host: entry.host,
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
  }));
}

export function listCommand(deps: Deps): CommandModule<object, ListArgs> {
  return {
    command: "list",
    describe: "show accounts: host, login, token kind, scopes, expiry, where stored (never the token)",
    builder: (yargs: Argv) =>
      yargs
        .option("json", { type: "boolean", describe: "print JSON" })
        .example("$0 list --json", "") as Argv<ListArgs>,
    handler: (argv: ArgumentsCamelCase<ListArgs>) => runList(toListOptions(argv), deps),
  };
}

// `git-credential-pat verify`: re-check stored tokens against the API and record the outcome.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account } from "../accounts/account.js";
import { upsertAccount } from "../accounts/accounts.js";
import { loadAccounts, updateAccounts } from "../accounts/accounts-file.js";
import { AuthError, SilentError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { fingerprint, tokenKind } from "../secret.js";
import { githubFor, persistentStore } from "./command-kit.js";
import { formatExpiry, formatScopes, paint } from "./format.js";
import { selectAccounts } from "./select-accounts.js";

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

export type VerifyOutcome = "valid" | "rejected" | "expired" | "missing" | "error";

export interface VerifyResult {
  host: string;
  login: string;
  outcome: VerifyOutcome;
  detail: string;
}

export async function runVerify(opts: VerifyOptions, deps: Deps): Promise<void> {
  const accounts = selectAccounts(await loadAccounts(deps), opts.host, opts.user);
  const results: VerifyResult[] = [];
  for (const [index, account] of accounts.entries()) {
    if (deps.io.isStderrTTY && accounts.length > 1) {
      deps.io.err.write(`\rchecking ${index + 1}/${accounts.length}: ${account.login}@${account.host}…`);
    }
    results.push(await verifyOne(account, deps));
  }
  if (deps.io.isStderrTTY && accounts.length > 1) deps.io.err.write("\r\u001b[K");

  if (opts.json) deps.io.out.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const result of results) {
      const mark =
        result.outcome === "valid"
          ? paint("ok  ", "green", deps.io.isStdoutTTY)
          : paint("FAIL", "red", deps.io.isStdoutTTY);
      deps.io.out.write(`${mark} ${result.login}@${result.host}: ${result.detail}\n`);
    }
  }
  // Exit 4 when any token is unusable: the report above already said which and why.
  if (results.some((result) => result.outcome !== "valid")) throw new SilentError(4);
}

async function verifyOne(account: Account, deps: Deps): Promise<VerifyResult> {
  const base = { host: account.host, login: account.login };
  const now = deps.clock.now();
  const { store } = await persistentStore(account.store, deps);
  const stored = await store.get({ protocol: "https", host: account.host, username: account.login });
  if (!stored) {
    return {
      ...base,
      outcome: "missing",
      detail: `no token in ${account.store}; run "git-credential-pat login --host ${account.host}"`,
    };
  }
  let updated: Account = {
    ...account,
    kind: tokenKind(stored.password),
    fingerprint: fingerprint(stored.password),
    lastCheckedAtMs: now,
  };
  let result: VerifyResult;
  try {
    const info = await (await githubFor(account.host, account.apiUrl, deps)).validate(stored.password);
    const { scopes: _scopes, expiresAtMs: _expiry, ...rest } = updated;
    updated = {
      ...rest,
      ...(info.scopes === undefined ? {} : { scopes: info.scopes }),
      ...(info.expiresAtMs === undefined ? {} : { expiresAtMs: info.expiresAtMs }),
      lastCheck: "valid",
    };
    result =
      info.login.toLowerCase() !== account.login.toLowerCase()
        ? { ...base, outcome: "rejected", detail: `the stored token now authenticates as ${info.login}` }
        : {
            ...base,
            outcome: "valid",
            detail: `valid; scopes ${formatScopes(info.scopes)}; expires ${formatExpiry(info.expiresAtMs, now)}`,
          };
  } catch (error) {
    if (!(error instanceof AuthError)) {
      // The API could not be asked (down, rate-limited): say so, record nothing about the token.
      return { ...base, outcome: "error", detail: error instanceof Error ? error.message : String(error) };
    }
    const expired = account.expiresAtMs !== undefined && account.expiresAtMs <= now;
    updated = { ...updated, lastCheck: expired ? "expired" : "rejected" };
    result = {
      ...base,
      outcome: expired ? "expired" : "rejected",
      detail: `${expired ? `expired ${formatExpiry(account.expiresAtMs, now)}` : error.message}; run "git-credential-pat rotate --host ${account.host} --user ${account.login}"`,
    };
  }
  await updateAccounts((accounts) => upsertAccount(accounts, updated), deps);
  return result;
}

export function verifyCommand(deps: Deps): CommandModule<object, VerifyArgs> {
  return {
    command: "verify",
    describe: "re-check stored tokens against GitHub; exit 4 if any is invalid or expired",
    builder: (yargs: Argv) =>
      yargs
        .option("host", { type: "string", describe: "only this host's accounts" })
        .option("user", { type: "string", describe: "only this login" })
        .option("json", { type: "boolean", describe: "print JSON" }) as Argv<VerifyArgs>,
    handler: (argv: ArgumentsCamelCase<VerifyArgs>) => runVerify(toVerifyOptions(argv), deps),
  };
}

// `git-credential-pat rotate`: replace an account's token with a new one, checked first.
// The old token keeps working until the new one is in the store.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account } from "../accounts/account.js";
import { upsertAccount } from "../accounts/accounts.js";
import { loadAccounts } from "../accounts/accounts-file.js";
import { AuthError, UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { describe as describeToken, fingerprint, tokenKind } from "../secret.js";
import { GITHUB_HOST } from "../stores/env-token-source.js";
import { commitAccountChange, githubFor, persistentStore, readToken } from "./command-kit.js";
import { formatExpiry, formatScopes, isoDate, lostScopes } from "./format.js";
import { selectOneAccount } from "./select-accounts.js";

export interface RotateOptions {
  host: string;
  user: string | undefined;
  withToken: boolean;
  force: boolean;
}

interface RotateArgs {
  host?: string;
  user?: string;
  withToken?: boolean;
  force?: boolean;
}

export function toRotateOptions(argv: RotateArgs): RotateOptions {
  return {
    host: (argv.host ?? GITHUB_HOST).toLowerCase(),
    user: argv.user,
    withToken: argv.withToken ?? false,
    force: argv.force ?? false,
  };
}

export async function runRotate(opts: RotateOptions, deps: Deps): Promise<void> {
  const account = selectOneAccount(await loadAccounts(deps), opts.host, opts.user);
  const token = await readToken(
    opts.withToken,
    `Paste the new token for ${account.login}@${account.host}: `,
    deps,
  );
  const info = await (await githubFor(account.host, account.apiUrl, deps)).validate(token);
  if (info.login.toLowerCase() !== account.login.toLowerCase()) {
    throw new AuthError(
      `the new token authenticates as ${info.login}, not ${account.login}; nothing changed`,
    );
  }
  const lost = lostScopes(account.scopes, info.scopes);
  const earlier =
    account.expiresAtMs === undefined
      ? info.expiresAtMs !== undefined
      : info.expiresAtMs !== undefined && info.expiresAtMs < account.expiresAtMs;
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

  // One write replaces the token in its slot (file: atomic rename; keychain: one item update).
  const { store } = await persistentStore(account.store, deps);
  const { scopes: _scopes, expiresAtMs: _expiry, ...rest } = account;
  const now = deps.clock.now();
  const updated: Account = {
    ...rest,
    kind: tokenKind(token),
    fingerprint: fingerprint(token),
    ...(info.scopes === undefined ? {} : { scopes: info.scopes }),
    ...(info.expiresAtMs === undefined ? {} : { expiresAtMs: info.expiresAtMs }),
    lastCheckedAtMs: now,
    lastCheck: "valid",
    rotatedAtMs: now,
  };
  await commitAccountChange(
    store,
    { host: account.host, login: account.login },
    token,
    (accounts) => upsertAccount(accounts, updated),
    deps,
  );
  deps.io.out.write(
    [
      `Rotated the token for ${account.login}@${account.host}: now ${describeToken(token)}`,
      `  scopes:  ${formatScopes(info.scopes)}`,
      `  expires: ${formatExpiry(info.expiresAtMs, now)}`,
      "",
    ].join("\n"),
  );
  if (lost.length > 0)
    deps.io.err.write(`git-credential-pat: warning: the new token lacks ${lost.join(", ")}\n`);
}

export function rotateCommand(deps: Deps): CommandModule<object, RotateArgs> {
  return {
    command: "rotate",
    describe: "replace an account's token with a new one (same login; checked first)",
    builder: (yargs: Argv) =>
      yargs
        .option("host", { type: "string", default: GITHUB_HOST })
        .option("user", { type: "string", describe: "the login, when the host has several accounts" })
        .option("with-token", { type: "boolean", describe: "read the new token from standard input" })
        .option("force", { type: "boolean", describe: "accept fewer scopes or an earlier expiry" })
        .example("$0 rotate --with-token < new-token.txt", "") as Argv<RotateArgs>,
    handler: (argv: ArgumentsCamelCase<RotateArgs>) => runRotate(toRotateOptions(argv), deps),
  };
}

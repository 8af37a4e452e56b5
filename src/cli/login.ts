// `git-credential-pat login`: check a token against GitHub, store it, remember the account.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Account } from "../accounts/account.js";
import { findAccount, sameLogin, upsertAccount } from "../accounts/accounts.js";
import { factsOfCheck, tokenCheck, withTokenFacts } from "../accounts/token-facts.js";
import { AuthError, UsageError } from "../errors.js";
import type { TokenInfo } from "../github/types.js";
import type { Deps } from "../platform/deps.js";
import { GITHUB_HOST } from "../resolve/env-token-source.js";
import { describe as describeToken, fingerprint, looksLikeToken, tokenKind } from "../secret.js";
import { commitAccountChange, githubFor, persistentStore, readToken } from "./command-kit.js";
import { formatExpiry, formatScopes, kindLabel } from "./format.js";
import { GUIDE_HELP, guideBeforePrompt, parseScopes, SCOPES_HELP } from "./new-token-guide.js";
import { tokenWarnings } from "./token-warnings.js";

export interface LoginOptions {
  host: string;
  user: string | undefined;
  apiUrl: string | undefined;
  owners: string[];
  isDefault: boolean;
  withToken: boolean;
  verify: boolean;
  store: string | undefined;
  /** --web: open the token-creation page in the browser before the prompt. */
  isWeb: boolean;
  /** --scopes: the classic scopes to prefill on that page; undefined: DEFAULT_SCOPES. */
  scopes: string[] | undefined;
}

interface LoginArgs {
  host?: string;
  user?: string;
  apiUrl?: string;
  owner?: string[];
  default?: boolean;
  withToken?: boolean;
  verify?: boolean;
  store?: string;
  web?: boolean;
  scopes?: string;
}

export function toLoginOptions(argv: LoginArgs): LoginOptions {
  const host = (argv.host ?? GITHUB_HOST).trim().toLowerCase();
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(host))
    throw new UsageError(`--host must be a host name, like ghe.acme.com (got "${host}")`);
  const owners = (argv.owner ?? []).map((owner) => owner.trim()).filter(Boolean);
  if (argv.verify === false && !argv.user)
    throw new UsageError("--no-verify needs --user: without the API nobody can tell whose token it is");
  // A token typed where the login goes would be written to accounts.json and shown as a login.
  if (argv.user !== undefined && looksLikeToken(argv.user))
    throw new UsageError("--user takes a GitHub login, and that looks like a token", {
      hint: "paste the token at the prompt (or pipe it with --with-token), never as an argument",
    });
  return {
    host,
    user: argv.user,
    apiUrl: argv.apiUrl,
    owners,
    isDefault: argv.default ?? false,
    withToken: argv.withToken ?? false,
    verify: argv.verify ?? true,
    store: argv.store,
    isWeb: argv.web ?? false,
    scopes: parseScopes(argv.scopes),
  };
}

export async function runLogin(opts: LoginOptions, deps: Deps): Promise<void> {
  const { host, isWeb, withToken, scopes } = opts;
  await guideBeforePrompt(
    { host, scopes, what: "a token for git", isWeb, withToken, isFineGrained: false },
    deps,
  );
  const token = await readToken(opts.withToken, `Paste a personal access token for ${opts.host}: `, deps);
  let info: TokenInfo | undefined;
  if (opts.verify) {
    info = await (await githubFor(opts.host, opts.apiUrl, deps)).validate(token);
    if (opts.user && !sameLogin(info.login, opts.user)) {
      throw new AuthError(`the token authenticates as ${info.login}, not ${opts.user}`, {
        hint: `log in as ${info.login}, or use a token of ${opts.user}'s`,
      });
    }
  }
  const login = info?.login ?? (opts.user as string);
  const { store, name } = await persistentStore(opts.store, deps);
  const toAccount = (previous: Account | undefined): Account => {
    const account: Account = {
      host: opts.host,
      login,
      ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : previous?.apiUrl ? { apiUrl: previous.apiUrl } : {}),
      kind: tokenKind(token),
      fingerprint: fingerprint(token),
      isDefault: opts.isDefault,
      owners: [...new Set([...(previous?.owners ?? []), ...opts.owners])],
      store: name,
    };
    if (!info) return account;
    return withTokenFacts(
      account,
      factsOfCheck(opts.host, token, tokenCheck(info, "valid", undefined), deps.clock.now()),
    );
  };
  let account = toAccount(undefined);
  await commitAccountChange(
    store,
    { host: opts.host, login },
    token,
    (accounts) => {
      account = toAccount(findAccount(accounts, opts.host, login));
      return upsertAccount(accounts, account);
    },
    deps,
  );
  report(account, info, describeToken(token), deps);
}

function report(account: Account, info: TokenInfo | undefined, described: string, deps: Deps): void {
  const now = deps.clock.now();
  const lines = [
    `Logged in to ${account.host} as ${account.login}${info ? "" : " (not verified: --no-verify)"}`,
    `  token:   ${kindLabel(account.kind)} ${described}`,
    ...(info
      ? [
          `  scopes:  ${formatScopes(account.scopes, account.kind)}`,
          `  expires: ${formatExpiry(account.expiresAtMs, now)}`,
        ]
      : []),
    `  stored:  ${account.store}${account.owners.length ? `; owners: ${account.owners.join(", ")}` : ""}`,
    // GitHub's advice (least privilege, an expiry), as part of the report.
    ...(info
      ? tokenWarnings({
          kind: account.kind,
          scopes: account.scopes,
          expiresAtMs: account.expiresAtMs,
          isVerified: true,
        }).map((warning) => `  advice:  this token ${warning}`)
      : []),
  ];
  deps.io.out.write(`${lines.join("\n")}\n`);
  if (account.kind === "classic" && account.scopes && !account.scopes.includes("repo")) {
    deps.io.err.write(
      "git-credential-pat: warning: this classic token has no repo scope; git can read public repositories only\n",
    );
  }
}

export function loginCommand(deps: Deps): CommandModule<object, LoginArgs> {
  return {
    command: "login",
    describe: "check a token against GitHub, store it and remember the account",
    builder: (yargs: Argv) =>
      yargs
        .option("host", {
          type: "string",
          describe: "github.com or a GitHub Enterprise Server host",
          default: GITHUB_HOST,
        })
        .option("user", { type: "string", describe: "the login the token must belong to" })
        .option("api-url", {
          type: "string",
          describe: "API base URL (default https://api.github.com or https://HOST/api/v3)",
        })
        .option("owner", {
          type: "string",
          array: true,
          describe: "repository owner (org or user) routed to this account; repeatable",
        })
        .option("default", { type: "boolean", describe: "make this the host's default account" })
        .option("with-token", { type: "boolean", describe: "read the token from standard input" })
        .option("verify", {
          type: "boolean",
          default: true,
          describe: "check the token against the API (--no-verify offline)",
        })
        .option("store", { type: "string", describe: "keychain or file (default: the configured store)" })
        .option("web", {
          type: "boolean",
          describe:
            "open the token-creation page in the browser ($BROWSER, else xdg-open/open/rundll32) before the prompt",
        })
        .option("scopes", { type: "string", describe: SCOPES_HELP })
        .example("$0 login --web", "create a token on github.com's page, then paste it")
        .epilogue(GUIDE_HELP)
        .example("gh auth token | $0 login --with-token", "store the token gh uses")
        .example(
          "$0 login --host ghe.acme.com --owner acme",
          "a GHES account for acme's repositories",
        ) as Argv<LoginArgs>,
    handler: (argv: ArgumentsCamelCase<LoginArgs>) => runLogin(toLoginOptions(argv), deps),
  };
}

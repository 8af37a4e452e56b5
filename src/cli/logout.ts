// `git-credential-pat logout`: forget a token — store, cache and metadata.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { removeAccount } from "../accounts/accounts.js";
import { loadAccounts } from "../accounts/accounts-file.js";
import type { Deps } from "../platform/deps.js";
import { envTokens, GITHUB_HOST } from "../stores/env-token-source.js";
import { commitAccountChange, persistentStore } from "./command-kit.js";
import { selectOneAccount } from "./select-accounts.js";

export interface LogoutOptions {
  host: string;
  user: string | undefined;
}

interface LogoutArgs {
  host?: string;
  user?: string;
}

export function toLogoutOptions(argv: LogoutArgs): LogoutOptions {
  return { host: (argv.host ?? GITHUB_HOST).toLowerCase(), user: argv.user };
}

export async function runLogout(opts: LogoutOptions, deps: Deps): Promise<void> {
  const account = selectOneAccount(await loadAccounts(deps), opts.host, opts.user);
  const { store } = await persistentStore(account.store, deps);
  await commitAccountChange(
    store,
    { host: account.host, login: account.login },
    undefined,
    (accounts) => removeAccount(accounts, account.host, account.login),
    deps,
  );
  deps.io.out.write(
    `Logged out ${account.login} from ${account.host} (token removed from ${account.store})\n`,
  );
  const env = envTokens(deps.env).find((token) => token.host === account.host);
  if (env) {
    deps.io.err.write(
      `git-credential-pat: warning: ${env.variable} is set and still serves ${account.host}; unset it to stop using it\n`,
    );
  }
}

export function logoutCommand(deps: Deps): CommandModule<object, LogoutArgs> {
  return {
    command: "logout",
    describe: "forget an account's token (store, cache and metadata)",
    builder: (yargs: Argv) =>
      yargs
        .option("host", { type: "string", default: GITHUB_HOST, describe: "the account's host" })
        .option("user", { type: "string", describe: "the login, when the host has several accounts" })
        .example("$0 logout --host ghe.acme.com --user alice", "") as Argv<LogoutArgs>,
    handler: (argv: ArgumentsCamelCase<LogoutArgs>) => runLogout(toLogoutOptions(argv), deps),
  };
}

// The fast path git runs on every HTTPS operation: get | store | erase | exit.
// Must not import cli/, github/, yargs or @octokit (test/boundaries.test.ts enforces it).
import type { AccountsData } from "../accounts/account.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { SocketCacheClient } from "../cache/client.js";
import { hasDaemonRecord } from "../cache/daemon-registry.js";
import { defaultSocketPath } from "../cache/socket-path.js";
import { isHttpAllowed, loadConfig } from "../config/config-file.js";
import { hintOf } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { isHttpProtocol, printable } from "../protocol/index.js";
import { EnvTokenSource, envTokens } from "../resolve/env-token-source.js";
import { userPath } from "../settings.js";
import { chooseStoreName, openStore } from "../stores/open-store.js";
import { helperErase, helperGet, helperStore } from "./actions.js";
import { learnAfterStore } from "./learn-trigger.js";
import { type HelperOptions, parseHelperArgs } from "./parse-helper-args.js";
import { readRequest } from "./read-request.js";
import { sshWarning } from "./ssh-warning.js";
import { tolerantCache } from "./tolerant-cache.js";

/** One cache exchange (connect, write, read) never takes longer than this. */
export const CACHE_TIMEOUT_MS = 1000;

export async function runHelper(argv: readonly string[], deps: Deps): Promise<void> {
  const options = parseHelperArgs(argv);
  const { action } = options;
  if (action === "exit") {
    // Like `git credential-cache exit`: no request to read, and no daemon is not an error.
    await cacheClient(options, deps).exit();
    return;
  }
  // Unknown operations are ignored so newer gits can add them (git credential-cache.c).
  if (action !== "get" && action !== "store" && action !== "erase") return;

  const request = await readRequest(deps.io);
  if (request.protocol !== undefined && !isHttpProtocol(request.protocol)) {
    if (action === "get") deps.io.err.write(`git-credential-pat: ${sshWarning(request)}\n`);
    return;
  }
  const config = await loadConfig(deps);
  const storeName = chooseStoreName(options.storeName, config, deps.env);
  // With --store=memory the cache is the store, so its failures are the store's failures.
  const store = storeName === "memory" ? undefined : await openStore(storeName, config, deps);
  const cache =
    options.timeoutSeconds === 0
      ? undefined
      : storeName === "memory"
        ? cacheClient(options, deps)
        : tolerantCache(cacheClient(options, deps), deps.io.err);
  deps.log.debug(`${action} ${request.protocol ?? "?"}://${request.host ?? "?"} via ${storeName}`);

  const env = new EnvTokenSource(envTokens(deps.env));
  const allowHttp = isHttpAllowed(config, deps.env);
  if (action === "get") {
    await helperGet(
      request,
      {
        env,
        stored: [...(cache ? [cache] : []), ...(store ? [store] : [])],
        accounts: () => accountsForGit(deps),
        allowHttp,
      },
      deps,
    );
  } else if (action === "store") {
    // git stores whatever just worked; a token from the environment is read-only and stays there.
    if (request.password && env.find(request)?.token.equals(request.password)) return;
    const newToken = await helperStore(
      request,
      { cache, timeoutSeconds: options.timeoutSeconds, store, allowHttp },
      deps.io,
    );
    // In the background, and only for a token new to the store: the usual store costs nothing.
    await learnAfterStore(newToken, storeName, config, deps);
  } else {
    await helperErase(request, { cache, store });
  }
}

/**
 * accounts.json for a `get`. A broken file is reported on every run but does not fail git: the
 * metadata only refines which token is served, and the stores still answer without it.
 */
async function accountsForGit(deps: Deps): Promise<AccountsData> {
  try {
    return await loadAccountsData(deps);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.io.err.write(`git-credential-pat: warning: ${printable(message)}; account metadata ignored\n`);
    const hint = hintOf(error);
    if (hint) deps.io.err.write(`hint: ${printable(hint)}\n`);
    return { accounts: [], tokens: [] };
  }
}

function cacheClient(options: HelperOptions, deps: Deps): SocketCacheClient {
  // git runs helpers inside the repository: a relative socket would land there (git's own
  // credential-cache--daemon refuses one too, "socket directory must be an absolute path").
  const socketPath =
    options.socketPath === undefined
      ? defaultSocketPath(deps.paths)
      : userPath(options.socketPath, "--socket", deps.paths, { isFlag: true });
  return new SocketCacheClient(
    { socketPath, timeoutMs: CACHE_TIMEOUT_MS },
    { ...deps, isRegisteredDaemon: (path) => hasDaemonRecord(path, deps) },
  );
}

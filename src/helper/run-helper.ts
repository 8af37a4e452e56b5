// The fast path git runs on every HTTPS operation: get | store | erase | exit.
// Must not import cli/, github/, yargs or @octokit (test/boundaries.test.ts enforces it).
import { loadConfig } from "../config/config-file.js";
import type { Deps } from "../platform/deps.js";
import { isHttpProtocol } from "../protocol/index.js";
import { EnvTokenSource, envTokens } from "../stores/env-token-source.js";
import { chooseStoreName, openStore } from "../stores/open-store.js";
import { helperErase, helperGet, helperStore } from "./actions.js";
import { parseHelperArgs } from "./parse-helper-args.js";
import { readRequest } from "./read-request.js";
import { sshWarning } from "./ssh-warning.js";

export async function runHelper(argv: readonly string[], deps: Deps): Promise<void> {
  const options = parseHelperArgs(argv);
  const { action } = options;
  // Unknown operations are ignored so newer gits can add them (git credential-cache.c).
  if (action !== "get" && action !== "store" && action !== "erase") return;

  const request = await readRequest(deps.io);
  if (request.protocol !== undefined && !isHttpProtocol(request.protocol)) {
    if (action === "get") deps.io.err.write(`git-credential-pat: ${sshWarning(request)}\n`);
    return;
  }
  const config = await loadConfig(deps);
  const store = await openStore(chooseStoreName(options.storeName, config, deps.env), config, deps);
  deps.log.debug(`${action} ${request.protocol ?? "?"}://${request.host ?? "?"} via ${store.name}`);

  const env = new EnvTokenSource(envTokens(deps.env));
  if (action === "get") {
    await helperGet(request, [env, store], deps.io);
  } else if (action === "store") {
    // git stores whatever just worked; a token from the environment is read-only and stays there.
    if (request.password && env.find(request)?.token.equals(request.password)) return;
    await helperStore(request, store, deps.io);
  } else {
    await helperErase(request, store);
  }
}

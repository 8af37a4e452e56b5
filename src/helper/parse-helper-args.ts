// `git-credential-pat [--timeout=SECONDS] [--socket=PATH] [--store=NAME] ACTION`, parsed
// without yargs: this runs on every git HTTPS operation.
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { DEFAULTS } from "../settings.js";

export interface HelperOptions {
  /** The last positional argument, as git-credential-cache takes it; undefined when none. */
  action: string | undefined;
  /** How long the cache keeps a token; 0 turns the cache off. */
  timeoutSeconds: number;
  socketPath: string | undefined;
  storeName: string | undefined;
}

export function parseHelperArgs(argv: readonly string[]): HelperOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new UsageError(
      message.replace(/^Unknown option/, "unknown option").replace(/\. To specify.*/, ""),
      {
        hint: "usage: git-credential-pat [--timeout=SECONDS] [--socket=PATH] [--store=keychain|file|memory] get|store|erase|exit",
      },
    );
  }
  const { values, positionals } = parsed;
  const timeout = values.timeout ?? String(DEFAULTS.cacheTimeoutSeconds);
  if (!/^\d+$/.test(timeout))
    throw new UsageError(`--timeout must be a whole number of seconds (got "${timeout}")`);
  return {
    action: positionals[positionals.length - 1],
    timeoutSeconds: Number(timeout),
    socketPath: values.socket,
    storeName: values.store,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      timeout: { type: "string" },
      socket: { type: "string" },
      store: { type: "string" },
    },
  });
}

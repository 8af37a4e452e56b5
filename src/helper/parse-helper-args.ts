// The helper's command line (protocol/helper-args.ts reads it) as the options a run uses.
import { UsageError } from "../errors.js";
import { readHelperArgs } from "../protocol/index.js";
import { DEFAULTS } from "../settings.js";

export interface HelperOptions {
  /** The last positional argument, as git-credential-cache takes it; undefined when none. */
  action: string | undefined;
  /** How long the cache keeps a token; 0 turns the cache off. */
  timeoutSeconds: number;
  socketPath: string | undefined;
  storeName: string | undefined;
}

const USAGE =
  "usage: git-credential-pat [--timeout=SECONDS] [--socket=PATH] [--store=keychain|file|memory] get|store|erase|exit";

/** The helper's options with their defaults; an unknown option or a bad timeout is a usage error. */
export function parseHelperArgs(argv: readonly string[]): HelperOptions {
  const { action, values, problem } = readHelperArgs(argv);
  if (problem !== undefined) throw new UsageError(problem, { hint: USAGE });
  const timeout = values.timeout ?? String(DEFAULTS.cacheTimeoutSeconds);
  if (!/^\d{1,9}$/.test(timeout))
    throw new UsageError(`--timeout must be a whole number of seconds (got "${timeout}")`);
  return { action, timeoutSeconds: Number(timeout), socketPath: values.socket, storeName: values.store };
}

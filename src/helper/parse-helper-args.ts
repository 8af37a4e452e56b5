// `git-credential-pat [--timeout=SECONDS] [--socket=PATH] [--store=NAME] ACTION`, parsed by
// hand: this runs on every git HTTPS operation, and node:util alone costs ~1 ms to load in bun.
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

const USAGE =
  "usage: git-credential-pat [--timeout=SECONDS] [--socket=PATH] [--store=keychain|file|memory] get|store|erase|exit";

const OPTIONS = ["timeout", "socket", "store"] as const;
type OptionName = (typeof OPTIONS)[number];

/** Accepts `--name=value` and `--name value`, as git's parse_options does; `--` ends options. */
export function parseHelperArgs(argv: readonly string[]): HelperOptions {
  const values: Partial<Record<OptionName, string>> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const [flag, inline] = splitOnce(arg.replace(/^--?/, ""), "=");
    if (!OPTIONS.includes(flag as OptionName))
      throw new UsageError(`unknown option '${arg.split("=")[0]}'`, { hint: USAGE });
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`option '--${flag}' needs a value`, { hint: USAGE });
    values[flag as OptionName] = value;
  }
  const timeout = values.timeout ?? String(DEFAULTS.cacheTimeoutSeconds);
  if (!/^\d{1,9}$/.test(timeout))
    throw new UsageError(`--timeout must be a whole number of seconds (got "${timeout}")`);
  return {
    action: positionals[positionals.length - 1],
    timeoutSeconds: Number(timeout),
    socketPath: values.socket,
    storeName: values.store,
  };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

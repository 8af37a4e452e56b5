// Our own helper command line, `git-credential-pat [--timeout=SECONDS] [--socket=PATH]
// [--store=NAME] ACTION`: read by the helper on every git call, and by doctor from the
// credential.helper value git runs. Parsed by hand: node:util alone costs ~1 ms to load in bun.

export const HELPER_OPTIONS = ["timeout", "socket", "store"] as const;
export type HelperOptionName = (typeof HELPER_OPTIONS)[number];

export interface HelperArgs {
  /** The last positional argument, as git-credential-cache takes it; undefined when none. */
  action: string | undefined;
  /** Each option's value as written; a repeated option's last value wins, as with git's parse_options. */
  values: Partial<Record<HelperOptionName, string>>;
  /** The first argument the helper refuses (an unknown option, an option without its value). */
  problem?: string;
}

/**
 * Accepts `--name=value` and `--name value` (one dash too), as git's parse_options does; `--`
 * ends options. Never throws: the helper refuses a line with a `problem`, doctor reads past it.
 */
export function readHelperArgs(argv: readonly string[]): HelperArgs {
  const values: HelperArgs["values"] = {};
  const positionals: string[] = [];
  let problem: string | undefined;
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
    if (!isHelperOption(flag)) {
      problem ??= `unknown option '${arg.split("=")[0]}'`;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problem ??= `option '--${flag}' needs a value`;
    else values[flag] = value;
  }
  const action = positionals[positionals.length - 1];
  return problem === undefined ? { action, values } : { action, values, problem };
}

function isHelperOption(flag: string): flag is HelperOptionName {
  return (HELPER_OPTIONS as readonly string[]).includes(flag);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

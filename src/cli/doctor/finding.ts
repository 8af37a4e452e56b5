// What every doctor check returns: a finding in one of the report's areas, with the command
// that fixes it and, when --fix may run it, the action itself.

export type Status = "ok" | "warn" | "fail";

export type Area =
  | "fixes"
  | "git"
  | "credential helpers"
  | "url rewrites"
  | "remotes"
  | "store"
  | "files"
  | "tokens";

/** Report order. */
export const AREAS: readonly Area[] = [
  "fixes",
  "git",
  "credential helpers",
  "url rewrites",
  "remotes",
  "store",
  "files",
  "tokens",
];

/**
 * What `--fix` does for a finding: a git command (argv after `git`; with `onlyIf`, only when
 * `git ONLYIF` exits 0), a chmod of our own path, or removing from a config file every
 * `[url "…"]` section whose name holds a token (git's CLI would need that name on its command line).
 */
export type FixAction =
  | { kind: "git"; args: string[]; onlyIf?: string[] }
  | { kind: "chmod"; path: string; mode: number }
  | { kind: "remove-token-url-sections"; file: string };

export interface Finding {
  area: Area;
  status: Status;
  message: string;
  /** The command that fixes it, as a person would type it. */
  fix?: string;
  /** Set when `--fix` may do it: only git's own commands and chmod of our own files. */
  action?: FixAction;
}

// Reads `git config -z [--show-scope] --show-origin --get-regexp …` output: git's config entries
// in the order git applies them (system, global, local, worktree, command line; includes in place).
// Pure: no I/O.

export interface ConfigEntry {
  /** "system", "global", "local", "worktree", "command"; "unknown" when git could not say (before 2.26). */
  scope: string;
  /** Where it came from, as git says it: "file:/home/u/.gitconfig", "command line:", "blob:…". */
  origin: string;
  /** Section and variable names are lower case (git folds them); the subsection keeps its case. */
  key: string;
  /** undefined for a bare `key` line with no `=` (a boolean true). */
  value: string | undefined;
}

/**
 * Parses NUL-separated `--get-regexp` output. With `--show-scope` each entry is
 * `scope NUL origin NUL key LF value NUL`; without it the scope is missing.
 */
export function inspectConfig(output: string, options: { hasScope: boolean }): ConfigEntry[] {
  const fields = output.split("\0");
  if (fields[fields.length - 1] === "") fields.pop();
  const width = options.hasScope ? 3 : 2;
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + width <= fields.length; i += width) {
    const scope = options.hasScope ? (fields[i] ?? "") : "unknown";
    const origin = fields[i + width - 2] ?? "";
    const item = fields[i + width - 1] ?? "";
    const newline = item.indexOf("\n");
    entries.push({
      scope,
      origin,
      key: newline === -1 ? item : item.slice(0, newline),
      value: newline === -1 ? undefined : item.slice(newline + 1),
    });
  }
  return entries;
}

/** The file an entry came from, or undefined for the command line, a blob or stdin. */
export function originFile(entry: Pick<ConfigEntry, "origin">): string | undefined {
  return entry.origin.startsWith("file:") ? entry.origin.slice("file:".length) : undefined;
}

/**
 * Splits `section.sub.section.name` into its parts; the subsection (which may hold dots, as URLs
 * do) is everything between the first and the last dot.
 */
export function splitConfigKey(key: string): {
  section: string;
  subsection: string | undefined;
  name: string;
} {
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  if (first === -1) return { section: key, subsection: undefined, name: "" };
  return {
    section: key.slice(0, first),
    subsection: first === last ? undefined : key.slice(first + 1, last),
    name: key.slice(last + 1),
  };
}

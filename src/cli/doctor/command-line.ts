// The fix commands doctor shows, as a person would type them in a POSIX shell.

/** A word for a shell command line, quoted only when it needs to be. */
export function quoteArg(word: string): string {
  return /^[\w@%+=:,./~^-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export const commandLine = (words: readonly string[]) => words.map(quoteArg).join(" ");

/** A literal for the value patterns of `git config --unset-all` and `git remote set-url`. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

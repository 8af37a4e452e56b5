// The people-facing commands by name, in one list: main.ts sends a run whose first word is one of
// them to the CLI without loading it (yargs costs ~40 ms), and cli/index.ts registers exactly these
// (cli/index.test.ts fails when the two differ). A word in neither is a helper operation.

/** Our commands; `learn` is internal (the learner git's store starts) and hidden from --help. */
export const COMMAND_NAMES = [
  "login",
  "logout",
  "list",
  "verify",
  "rotate",
  "import",
  "setup",
  "doctor",
  "learn",
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** yargs's own command that prints a shell completion script. */
export const COMPLETION_COMMAND = "completion";

/** Every first word the CLI answers: the commands, and what yargs answers itself. */
export const CLI_WORDS: ReadonlySet<string> = new Set<string>([
  ...COMMAND_NAMES,
  COMPLETION_COMMAND,
  "help",
  "--help",
  "-h",
  "--version",
]);

// The people-facing commands on yargs. Loaded only by main.ts with await import(),
// never on git's get/store/erase path.
import yargs from "yargs";
import { COMPLETION_COMMAND, type CommandName } from "../command-names.js";
import { UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { versionLine } from "../version.js";
import { doctorCommand } from "./doctor/doctor.js";
import { importCommand } from "./import.js";
import { learnCommand } from "./learn.js";
import { listCommand } from "./list.js";
import { loginCommand } from "./login.js";
import { logoutCommand } from "./logout.js";
import { rotateCommand } from "./rotate.js";
import { setupCommand } from "./setup.js";
import { verifyCommand } from "./verify.js";

const HELPER_USAGE = `As a git credential helper (git runs this):
  git-credential-pat [--timeout=SECONDS] [--socket=PATH] [--store=keychain|file|memory] get|store|erase|exit

Set up:  git-credential-pat login && git-credential-pat setup`;

/**
 * Every command, by the name main.ts knows it by (command-names.ts): a command missing here, or
 * one registered without a name there, fails to typecheck or index.test.ts.
 */
export const COMMANDS = {
  login: loginCommand,
  logout: logoutCommand,
  list: listCommand,
  verify: verifyCommand,
  rotate: rotateCommand,
  import: importCommand,
  setup: setupCommand,
  doctor: doctorCommand,
  learn: learnCommand,
} satisfies Record<CommandName, (deps: Deps) => unknown>;

export async function runCli(argv: readonly string[], deps: Deps): Promise<void> {
  const commands = Object.values(COMMANDS).map((command) => command(deps));
  const parser = commands
    .reduce((chain, command) => chain.command(command), yargs([...argv]))
    .scriptName("git-credential-pat")
    .usage("$0 <command> [options]")
    .epilogue(HELPER_USAGE)
    .version(versionLine())
    .help()
    .alias("h", "help")
    .strict()
    .completion(COMPLETION_COMMAND, "print a bash/zsh completion script")
    .demandCommand(1, "name a command (or see --help)")
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs reports flag and command mistakes here; they are usage errors (exit 2).
      throw error ?? new UsageError(message ?? "invalid arguments", { hint: "git-credential-pat --help" });
    });
  let output = "";
  await parser.parseAsync([...argv], {}, (_error, _argv, text) => {
    output = text;
  });
  if (output) deps.io.out.write(`${output}\n`);
}

// main.ts routes runs by command-names.ts without loading the CLI: a command registered here and
// missing there would be taken for a helper operation, silently do nothing and exit 0.
import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { CLI_WORDS, COMMAND_NAMES, COMPLETION_COMMAND } from "../command-names.js";
import { COMMANDS, runCli } from "./index.js";

describe("the CLI's commands", () => {
  it.each(COMMAND_NAMES)("registers %s under the name main.ts routes by", (name) => {
    expect(COMMANDS[name](makeTestDeps()).command).toBe(name);
  });

  it("shows in --help exactly the commands main.ts routes to it, the hidden learn aside", async () => {
    const deps = makeTestDeps();
    await runCli(["--help"], deps);
    const help = deps.stdout();
    const commands = help
      .slice(help.indexOf("Commands:"), help.indexOf("Options:"))
      .split("\n")
      .flatMap((line) => /^\s+git-credential-pat (\S+)/.exec(line)?.[1] ?? []);
    expect(commands.sort()).toEqual(
      [...COMMAND_NAMES.filter((name) => name !== "learn"), COMPLETION_COMMAND].sort(),
    );
    expect(commands.every((name) => CLI_WORDS.has(name))).toBe(true);
  });
});

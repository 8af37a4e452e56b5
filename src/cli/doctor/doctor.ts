// `git-credential-pat doctor [--fix] [--json]`: what stands between git and the token — git's
// version, the helper chain, URL rewrites, SSH remotes, tokens written into URLs, the store, file
// permissions, tokens — each with the command that fixes it. Each section's file in this folder
// gathers its facts (composed once by facts.ts) and judges them with pure checks (checks.ts); with
// --fix the safe fixes run (fix.ts) and everything is looked at again.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { SilentError } from "../../errors.js";
import type { Deps } from "../../platform/deps.js";
import { checkDoctorFacts } from "./checks.js";
import { applyDoctorFixes } from "./fix.js";
import { gatherDoctorFacts } from "./gather.js";
import { formatDoctorJson, formatDoctorReport } from "./report.js";

export interface DoctorOptions {
  fix: boolean;
  json: boolean;
}

interface DoctorArgs {
  fix?: boolean;
  json?: boolean;
}

export function toDoctorOptions(argv: DoctorArgs): DoctorOptions {
  return { fix: argv.fix ?? false, json: argv.json ?? false };
}

/** Prints the report; exits 1 (after printing) when anything failed. Warnings alone exit 0. */
export async function runDoctor(opts: DoctorOptions, deps: Deps): Promise<void> {
  let findings = checkDoctorFacts(await gatherDoctorFacts(deps));
  if (opts.fix && findings.some((finding) => finding.action !== undefined)) {
    const fixed = await applyDoctorFixes(findings, deps);
    findings = [...fixed, ...checkDoctorFacts(await gatherDoctorFacts(deps))];
  }
  deps.io.out.write(
    opts.json
      ? formatDoctorJson(findings)
      : formatDoctorReport(findings, { isTTY: deps.io.isStdoutTTY, fixMode: opts.fix }),
  );
  if (findings.some((finding) => finding.status === "fail")) throw new SilentError(1);
}

export function doctorCommand(deps: Deps): CommandModule<object, DoctorArgs> {
  return {
    command: "doctor",
    describe: "check git, helpers, remotes, store, permissions and tokens; exit 1 if anything fails",
    builder: (yargs: Argv) =>
      yargs
        .option("fix", {
          type: "boolean",
          describe:
            "switch SSH remotes to HTTPS, remove URL rewrites to SSH, take tokens out of URLs in git's config, make our files private",
        })
        .option("json", { type: "boolean", describe: "print JSON: [{area, status, message, fix?}]" })
        .example("$0 doctor", "")
        .example("$0 doctor --fix", "") as Argv<DoctorArgs>,
    handler: (argv: ArgumentsCamelCase<DoctorArgs>) => runDoctor(toDoctorOptions(argv), deps),
  };
}

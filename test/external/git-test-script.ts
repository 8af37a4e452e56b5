// Runs a script built on git's test-lib.sh (git's t0303, or our t-authtype.sh, which sources
// git's libraries) from the git source tree that scripts/modern-git.sh built, and reads its TAP.
// Nothing of git's is copied: the scripts run where they were unpacked; only their trash
// directories and logs go to `outputDir` (TEST_OUTPUT_DIRECTORY), so the tree stays untouched.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../helpers/artifacts.js";

export interface TapTest {
  number: number;
  ok: boolean;
  name: string;
}

export interface TapRun {
  tests: TapTest[];
  /** The `1..N` plan test-lib prints last; undefined when the script died before test_done. */
  planned: number | undefined;
}

/** `ok N - name` / `not ok N - name` and the plan; the `#` lines (test bodies, notes) are skipped. */
export function parseTap(output: string): TapRun {
  const tests: TapTest[] = [];
  let planned: number | undefined;
  for (const line of output.split("\n")) {
    const test = /^(not )?ok (\d+) - (.*)$/.exec(line);
    if (test) tests.push({ number: Number(test[2]), ok: test[1] === undefined, name: test[3] ?? "" });
    const plan = /^1\.\.(\d+)$/.exec(line);
    if (plan) planned = Number(plan[1]);
  }
  return { tests, planned };
}

export interface ScriptRun extends TapRun {
  /** What to show when the run is not the expected one: failures with their verbose log, or the tail. */
  report: string;
}

export interface ScriptOptions {
  /** The script's path; git's own are relative to `t/`, ours absolute. */
  script: string;
  /** The built git source tree (its `t/` is test-lib's TEST_DIRECTORY). */
  source: string;
  outputDir: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/**
 * Runs the script with `--verbose-log`: TAP on stdout, and each test's commands and output
 * (test_cmp's diff of what the helper answered) in test-results/NAME.out for the report.
 */
export async function runGitTestScript(options: ScriptOptions): Promise<ScriptRun> {
  const testDirectory = join(options.source, "t");
  const result = await runCommand(["sh", options.script, "--verbose-log"], {
    cwd: testDirectory,
    env: { ...options.env, TEST_DIRECTORY: testDirectory, TEST_OUTPUT_DIRECTORY: options.outputDir },
    timeoutMs: options.timeoutMs,
  });
  const stdout = result.stdout.toString("utf8");
  const tap = parseTap(stdout);
  const name = options.script.replace(/^.*\//, "").replace(/\.sh$/, "");
  const log = await readFile(join(options.outputDir, "test-results", `${name}.out`), "utf8").catch(() => "");
  const failed = tap.tests.filter((test) => !test.ok);
  const sections = failed.map((test) => verboseSection(log, test) ?? `not ok ${test.number} - ${test.name}`);
  const tail = `${stdout}\n${result.stderr}`.trim().split("\n").slice(-30).join("\n");
  const report =
    tap.planned === undefined || result.timedOut
      ? `${name} did not finish (exit ${result.code}${result.timedOut ? ", timed out" : ""}):\n${tail}`
      : `${name}: ${failed.length} of ${tap.tests.length} failed\n\n${sections.join("\n\n")}`;
  return { ...tap, report };
}

/** A failed test's part of the verbose log: its body, what the commands printed, the `not ok` line. */
function verboseSection(log: string, test: TapTest): string | undefined {
  const lines = log.split("\n");
  const end = lines.indexOf(`not ok ${test.number} - ${test.name}`);
  if (end === -1) return undefined;
  const start = lines.findLastIndex((line, index) => index < end && line.startsWith("expecting success of "));
  return lines.slice(Math.max(start, 0), end + 1).join("\n");
}

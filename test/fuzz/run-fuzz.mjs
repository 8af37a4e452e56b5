// `npm run fuzz [-- COUNT]`: the long fuzz run. COUNT (or $FUZZ_RUNS, default 1,000,000) inputs in
// total over the three fuzz files, which vitest runs in parallel; $FUZZ_SEED replays a run.
// Prints the inputs run, the time and the seed; exits non-zero (with fast-check's
// counterexample above) when a property fails.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? process.env.FUZZ_RUNS ?? 1_000_000);
if (!Number.isSafeInteger(runs) || runs <= 0) {
  console.error(
    `run-fuzz: the input count must be a positive integer (got ${process.argv[2] ?? process.env.FUZZ_RUNS})`,
  );
  process.exit(2);
}
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const dir = mkdtempSync(join(tmpdir(), "pat-fuzz-"));
const summary = join(dir, "summary.jsonl");

const started = performance.now();
// The default reporter only: the config's JSON reporter would overwrite the suite's .test-results.json.
const vitest = spawnSync("npx", ["vitest", "run", "test/fuzz", "--reporter=default"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_SUMMARY: summary },
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);

let reports = [];
try {
  reports = readFileSync(summary, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
} catch {
  // No report at all: vitest failed before any property ran; its own output says why.
}
rmSync(dir, { recursive: true, force: true });
const ran = reports.reduce((sum, report) => sum + report.numRuns, 0);
const failed = reports.filter((report) => report.result !== "passed").map((report) => report.name);
const ok = vitest.status === 0 && failed.length === 0 && reports.length === 3;
console.log(
  `fuzz: ${ran} inputs (${reports.map((r) => `${r.name} ${r.numRuns} in ${r.seconds} s`).join(", ")}) in ${seconds} s wall, seed ${seed}: ${ok ? "passed" : `FAILED${failed.length ? ` (${failed.join(", ")})` : ""}`}`,
);
if (!ok) console.log(`replay: FUZZ_SEED=${seed} npm run fuzz -- ${runs}`);
process.exit(ok ? 0 : 1);

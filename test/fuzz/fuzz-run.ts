// Shared by the fuzz test files: how many inputs, which seed, and the report line.
// FUZZ_RUNS is the total over the three files (default 80,000: the ~15 s pass `npm test` runs);
// FUZZ_SEED replays a run. `npm run fuzz` (run-fuzz.mjs) sets both and adds up the reports.
import { appendFileSync } from "node:fs";
import * as fc from "fast-check";

export const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 80_000);
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** Each property's share of the inputs: a parser check is ~5x cheaper than a whole helper run. */
export const SHARES = { protocol: 0.6, file: 0.2, memory: 0.2 } as const;

/** A generous per-test timeout: the long run takes minutes, and a failure shrinks before it reports. */
export const TIMEOUT_MS = Math.max(60_000, TOTAL_RUNS * 3);

export async function runFuzz(
  name: keyof typeof SHARES,
  property: fc.IAsyncPropertyWithHooks<[unknown]> | fc.IPropertyWithHooks<[unknown]>,
): Promise<void> {
  const numRuns = Math.ceil(TOTAL_RUNS * SHARES[name]);
  const started = performance.now();
  const report = (result: string) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const line = `fuzz ${name}: ${numRuns} inputs, ${seconds} s, seed ${SEED}: ${result}`;
    console.log(line);
    if (process.env.FUZZ_SUMMARY)
      appendFileSync(
        process.env.FUZZ_SUMMARY,
        `${JSON.stringify({ name, numRuns, seconds: Number(seconds), result })}\n`,
      );
  };
  try {
    await fc.assert(property as fc.IAsyncPropertyWithHooks<[unknown]>, { numRuns, seed: SEED });
  } catch (error) {
    report("FAILED");
    throw error;
  }
  report("passed");
}

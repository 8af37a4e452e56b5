// Fuzzing git-credential-pat get/store/erase in process against the memory store: the real cache
// client and wire format, with the daemon's handlers behind a fake socket exchange (worlds.ts; see fuzz-run.ts).
import * as fc from "fast-check";
import { it } from "vitest";
import { runFuzz, SEED, TIMEOUT_MS } from "./fuzz-run.js";
import { fuzzInput } from "./inputs.js";
import { checkHelper } from "./properties.js";

it(
  `fuzz: get/store/erase against the memory store hold their properties (seed ${SEED})`,
  { timeout: TIMEOUT_MS },
  () =>
    runFuzz(
      "memory",
      fc.asyncProperty(fuzzInput, (input) => checkHelper("memory", input)) as fc.IAsyncPropertyWithHooks<
        [unknown]
      >,
    ),
);

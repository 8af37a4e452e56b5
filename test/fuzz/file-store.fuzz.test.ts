// Fuzzing git-credential-pat get/store/erase in process against the file store on memfs (see fuzz-run.ts).
import * as fc from "fast-check";
import { it } from "vitest";
import { runFuzz, SEED, TIMEOUT_MS } from "./fuzz-run.js";
import { fuzzInput } from "./inputs.js";
import { checkHelper } from "./properties.js";

it(
  `fuzz: get/store/erase against the file store hold their properties (seed ${SEED})`,
  { timeout: TIMEOUT_MS },
  () =>
    runFuzz(
      "file",
      fc.asyncProperty(fuzzInput, (input) => checkHelper("file", input)) as fc.IAsyncPropertyWithHooks<
        [unknown]
      >,
    ),
);

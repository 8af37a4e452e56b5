// Fuzzing parseRequest, serializeCredential and the cache daemon's decoder (see fuzz-run.ts for the knobs).
import * as fc from "fast-check";
import { it } from "vitest";
import { runFuzz, SEED, TIMEOUT_MS } from "./fuzz-run.js";
import { fuzzInput } from "./inputs.js";
import { checkParser } from "./properties.js";

it(
  `fuzz: the protocol parser and serializer hold their properties (seed ${SEED})`,
  { timeout: TIMEOUT_MS },
  () => runFuzz("protocol", fc.property(fuzzInput, checkParser) as fc.IPropertyWithHooks<[unknown]>),
);

// The judgements of `doctor`: each section's pure check, from gathered facts to findings with a
// status, one line, and the command that fixes it. No I/O; `now` comes in the facts.
import type { DoctorFacts } from "./facts.js";
import { checkFiles } from "./files.js";
import type { Finding } from "./finding.js";
import { checkGit } from "./git.js";
import { checkHelpers } from "./helpers.js";
import { checkRemotes } from "./remotes.js";
import { checkStore } from "./store.js";
import { checkTokens } from "./tokens.js";
import { checkUrlRewrites } from "./url-rewrites.js";

/** Every check, in report order. */
export function checkDoctorFacts(facts: DoctorFacts): Finding[] {
  return [
    ...checkGit(facts),
    ...checkHelpers(facts),
    ...checkUrlRewrites(facts),
    ...checkRemotes(facts),
    ...checkStore(facts),
    ...checkFiles(facts),
    ...checkTokens(facts),
  ];
}

// `doctor --fix`: runs the fixes the checks marked as safe to run (git's own commands, chmod of
// our own files and directories, removing `[url "…"]` sections whose name holds a token), each
// once, and reports what it did. No command line it runs holds a token: the checks name values
// by patterns without the secret, and a section named by a token is edited in the file itself.

import { PatError } from "../../errors.js";
import { editConfigFile } from "../../git/git-config-file.js";
import { removeConfigSections } from "../../git/remove-config-sections.js";
import { runGit } from "../../git/run-git.js";
import { findUrlSecret } from "../../git/url-secret.js";
import type { Deps } from "../../platform/deps.js";
import type { Finding, FixAction } from "./finding.js";

export async function applyDoctorFixes(findings: readonly Finding[], deps: Deps): Promise<Finding[]> {
  const done = new Set<string>();
  const results: Finding[] = [];
  for (const finding of findings) {
    const { action, fix } = finding;
    if (action === undefined || fix === undefined || done.has(fix)) continue;
    done.add(fix);
    try {
      const outcome = await applyFix(action, deps);
      results.push(
        outcome.kind === "done"
          ? { area: "fixes", status: "ok", message: `ran: ${fix}` }
          : outcome.kind === "nothing"
            ? { area: "fixes", status: "ok", message: `nothing to do: ${fix} (${outcome.why})` }
            : { area: "fixes", status: "fail", message: `${fix} failed: ${outcome.why}` },
      );
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      results.push({ area: "fixes", status: "fail", message: `${fix} failed: ${why}` });
    }
  }
  return results;
}

type Outcome = { kind: "done" } | { kind: "nothing"; why: string } | { kind: "failed"; why: string };

async function applyFix(action: FixAction, deps: Deps): Promise<Outcome> {
  switch (action.kind) {
    case "chmod":
      await deps.fs.chmod(action.path, action.mode);
      return { kind: "done" };
    case "remove-token-url-sections": {
      const removed = await editConfigFile(
        action.file,
        (bytes) => removeTokenUrlSections(bytes, action.file),
        deps,
      );
      return removed === 0 ? { kind: "nothing", why: "no such section is left" } : { kind: "done" };
    }
    case "git": {
      // In the C locale: a pattern's {N} then counts bytes, as secretFreePattern measures them.
      if (action.onlyIf !== undefined && (await runGit(action.onlyIf, deps, { locale: "C" })).code !== 0) {
        return { kind: "nothing", why: "the value is no longer there" };
      }
      const result = await runGit(action.args, deps, { locale: "C" });
      if (result.code === 0) return { kind: "done" };
      return { kind: "failed", why: result.stderr.trim().split("\n")[0] || `exit ${result.code}` };
    }
  }
}

/** The file without its `[url "…"]` sections whose name holds a token (the checks' own test). */
function removeTokenUrlSections(bytes: Buffer, file: string): { bytes: Buffer | undefined; result: number } {
  const result = removeConfigSections(
    bytes,
    (name, subsection) =>
      name === "url" && subsection !== undefined && findUrlSecret(subsection).kind !== "none",
  );
  if (result.kind === "unreadable") {
    throw new PatError(`cannot edit ${file} safely (${result.reason}); delete the section by hand`);
  }
  return { bytes: result.removed === 0 ? undefined : result.bytes, result: result.removed };
}

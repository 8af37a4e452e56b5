// `doctor --fix`: runs the fixes the checks marked as safe to run (git's own commands, chmod of
// our own files and directories), each once, and reports what it did.
import { runGit } from "../git/run-git.js";
import type { Deps } from "../platform/deps.js";
import type { Finding } from "./doctor-checks.js";

export async function applyDoctorFixes(findings: readonly Finding[], deps: Deps): Promise<Finding[]> {
  const done = new Set<string>();
  const results: Finding[] = [];
  for (const finding of findings) {
    const { action, fix } = finding;
    if (action === undefined || fix === undefined || done.has(fix)) continue;
    done.add(fix);
    try {
      if (action.kind === "chmod") {
        await deps.fs.chmod(action.path, action.mode);
      } else {
        const result = await runGit(action.args, deps);
        if (result.code !== 0) {
          const why = result.stderr.trim().split("\n")[0] || `exit ${result.code}`;
          results.push({ area: "fixes", status: "fail", message: `${fix} failed: ${why}` });
          continue;
        }
      }
      results.push({ area: "fixes", status: "ok", message: `ran: ${fix}` });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      results.push({ area: "fixes", status: "fail", message: `${fix} failed: ${why}` });
    }
  }
  return results;
}

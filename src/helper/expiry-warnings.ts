// Remembers when each token was last warned about, so an expiring token is mentioned at most
// once a day however many git operations run: $XDG_STATE_HOME/git-credential-pat/warnings.json.

import { DAY_MS } from "../accounts/token-expiry.js";
import type { Deps } from "../platform/deps.js";
import { joinPath } from "../posix-path.js";
import { ensurePrivateDir, rewritePrivateFile } from "../private-files.js";
import { DEFAULTS, stateDir } from "../settings.js";

export type WarningStateDeps = Pick<Deps, "paths" | "fs" | "clock" | "uid" | "deferSignals">;

export function warningsFilePath(paths: Deps["paths"]): string {
  return joinPath(stateDir(paths), "warnings.json");
}

/** Last warning time per token fingerprint (never the token). */
interface WarningState {
  version: 1;
  lastWarnedAtMs: Record<string, number>;
}

/**
 * Whether to warn about the token with this fingerprint now: yes unless the state shows a
 * warning less than a day ago. A yes is recorded, under the file's lock so that concurrent git
 * processes warn once between them. The state is a convenience: when it cannot be read or
 * written the answer is yes (better a repeated warning than none) and nothing is thrown.
 */
export async function claimDailyWarning(fingerprint: string, deps: WarningStateDeps): Promise<boolean> {
  const nowMs = deps.clock.now();
  let warn = true;
  try {
    await ensurePrivateDir(stateDir(deps.paths), "private", deps);
    await rewritePrivateFile(
      warningsFilePath(deps.paths),
      (current) => {
        const state = decodeState(current);
        const last = state.lastWarnedAtMs[fingerprint];
        // A time in the future means the clock moved back: do not let it silence warnings.
        if (last !== undefined && last <= nowMs && nowMs - last < DAY_MS) {
          warn = false;
          return undefined;
        }
        // Entries older than a day silence nothing any more: drop them so the file stays small.
        const kept = Object.entries(state.lastWarnedAtMs).filter(
          ([, at]) => at <= nowMs && nowMs - at < DAY_MS,
        );
        const next: WarningState = {
          version: 1,
          lastWarnedAtMs: Object.fromEntries([...kept, [fingerprint, nowMs]]),
        };
        return `${JSON.stringify(next)}\n`;
      },
      { lockTimeoutMs: DEFAULTS.stateLockTimeoutMs },
      deps,
    );
  } catch {
    // Deliberately ignored: a read-only or full disk, an unsafe state directory or a held lock
    // must never fail git's `get`; the warning is then simply shown again.
  }
  return warn;
}

/** Our own state, not the user's data: anything unreadable counts as "no warnings yet". */
function decodeState(content: Buffer | undefined): WarningState {
  const state: WarningState = { version: 1, lastWarnedAtMs: {} };
  if (content === undefined) return state;
  let data: unknown;
  try {
    data = JSON.parse(content.toString("utf8"));
  } catch {
    return state;
  }
  const times = (data as { lastWarnedAtMs?: unknown } | null)?.lastWarnedAtMs;
  if (typeof times !== "object" || times === null || Array.isArray(times)) return state;
  for (const [key, value] of Object.entries(times)) {
    if (/^[0-9a-f]+$/.test(key) && typeof value === "number" && Number.isFinite(value)) {
      state.lastWarnedAtMs[key] = value;
    }
  }
  return state;
}

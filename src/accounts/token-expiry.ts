// When a token's expiry is a problem: the one rule behind get's refusal and warning, and list's
// and doctor's expiry column. Pure: the caller passes the time and the warning window.

export const DAY_MS = 24 * 60 * 60 * 1000;

export type ExpiryState = "none" | "ok" | "soon" | "expired";

/**
 * "none" without an expiry; "expired" at or after `expiresAtMs`; "soon" when at most `soonDays`
 * days are left (a part day counts as a whole one; `soonDays` 0: never); else "ok".
 */
export function expiryState(expiresAtMs: number | undefined, nowMs: number, soonDays: number): ExpiryState {
  if (expiresAtMs === undefined) return "none";
  if (expiresAtMs <= nowMs) return "expired";
  return expiresAtMs - nowMs <= soonDays * DAY_MS ? "soon" : "ok";
}

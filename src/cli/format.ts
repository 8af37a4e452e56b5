// How people's commands show tokens and dates. Pure; `now` is passed in.
import { DAY_MS } from "../accounts/token-expiry.js";
import type { TokenKind } from "../secret.js";

// doctor-checks.ts imports it from here.

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2026-12-20 (in 28 days)", "expired 2026-11-01 (21 days ago)", "never". */
export function formatExpiry(expiresAtMs: number | undefined, nowMs: number): string {
  if (expiresAtMs === undefined) return "never";
  const plural = (days: number) => `${days} day${days === 1 ? "" : "s"}`;
  if (expiresAtMs <= nowMs) {
    const ago = Math.floor((nowMs - expiresAtMs) / DAY_MS);
    return `expired ${isoDate(expiresAtMs)} (${ago === 0 ? "today" : `${plural(ago)} ago`})`;
  }
  // Rounded up, like the warning at git time: 4 days and 2 hours left is "in 5 days".
  return `${isoDate(expiresAtMs)} (in ${plural(Math.ceil((expiresAtMs - nowMs) / DAY_MS))})`;
}

const KIND_LABELS: Record<TokenKind, string> = {
  classic: "classic",
  "fine-grained": "fine-grained",
  oauth: "oauth",
  "user-to-server": "user-to-server",
  "server-to-server": "server-to-server",
  refresh: "refresh",
  other: "other",
};

export function kindLabel(kind: TokenKind): string {
  return KIND_LABELS[kind];
}

/**
 * Fine-grained tokens have permissions, not scopes: say so rather than "no scopes". GitHub
 * always names a classic token's scopes, so a classic one without them was never verified.
 */
export function formatScopes(scopes: readonly string[] | undefined, kind?: string): string {
  if (scopes === undefined)
    return kind === "classic" ? "unknown (not verified)" : "(permissions, not scopes)";
  return scopes.length === 0 ? "(no scopes)" : scopes.join(", ");
}

/** Scopes the old token had that the new one lacks; `repo` covers `repo:status` and friends. */
export function lostScopes(
  before: readonly string[] | undefined,
  after: readonly string[] | undefined,
): string[] {
  if (before === undefined || after === undefined) return [];
  return before.filter((scope) => !after.includes(scope) && !after.includes(scope.split(":")[0] ?? scope));
}

/** ANSI colour only when the stream is a terminal. */
export function paint(text: string, colour: "red" | "yellow" | "green" | "dim", isTTY: boolean): string {
  if (!isTTY) return text;
  const codes = { red: 31, yellow: 33, green: 32, dim: 2 } as const;
  return `\u001b[${codes[colour]}m${text}\u001b[0m`;
}

import { describe, expect, it } from "vitest";
import { formatExpiry, formatScopes, lostScopes, paint } from "./format.js";

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400_000;

describe("formatExpiry", () => {
  it.each([
    { name: "no expiry", at: undefined, want: "never" },
    { name: "in 28 days", at: NOW + 28 * DAY, want: "2026-12-20 (in 28 days)" },
    { name: "a part day counts as a day", at: NOW + 27 * DAY + 1000, want: "2026-12-19 (in 28 days)" },
    { name: "in 1 day", at: NOW + DAY, want: "2026-11-23 (in 1 day)" },
    { name: "later today", at: NOW + 3600_000, want: "2026-11-22 (in 1 day)" },
    { name: "expired 21 days ago", at: NOW - 21 * DAY - 1000, want: "expired 2026-11-01 (21 days ago)" },
  ])("$name", ({ at, want }) => {
    expect(formatExpiry(at, NOW)).toBe(want);
  });
});

describe("scopes", () => {
  it.each([
    { scopes: undefined, want: "(permissions, not scopes)" },
    { scopes: undefined, kind: "classic", want: "unknown (not verified)" },
    { scopes: [], want: "(no scopes)" },
    { scopes: ["repo", "workflow"], want: "repo, workflow" },
  ])("formats $scopes ($kind)", ({ scopes, kind, want }) => {
    expect(formatScopes(scopes, kind)).toBe(want);
  });

  it.each([
    { before: ["repo", "workflow"], after: ["repo"], want: ["workflow"] },
    { before: ["repo:status"], after: ["repo"], want: [] },
    { before: ["repo"], after: undefined, want: [] },
  ])("lost from $before to $after", ({ before, after, want }) => {
    expect(lostScopes(before, after)).toEqual(want);
  });
});

describe("paint", () => {
  it("colours only on a terminal", () => {
    expect(paint("x", "red", false)).toBe("x");
    expect(paint("x", "red", true)).toBe("\u001b[31mx\u001b[0m");
  });
});

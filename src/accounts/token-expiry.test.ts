import { describe, expect, it } from "vitest";
import { DAY_MS, expiryState } from "./token-expiry.js";

const NOW = Date.UTC(2026, 10, 22, 12);

describe("expiryState", () => {
  it.each([
    { name: "a token without an expiry has none", at: undefined, soonDays: 7, want: "none" },
    { name: "a token past its expiry is expired", at: NOW - 1, soonDays: 7, want: "expired" },
    { name: "a token at its expiry is expired", at: NOW, soonDays: 7, want: "expired" },
    { name: "6 days left is soon in a 7-day window", at: NOW + 6 * DAY_MS, soonDays: 7, want: "soon" },
    { name: "exactly 7 days left is soon", at: NOW + 7 * DAY_MS, soonDays: 7, want: "soon" },
    {
      name: "7 days and an hour left counts as 8: ok",
      at: NOW + 7 * DAY_MS + 3600_000,
      soonDays: 7,
      want: "ok",
    },
    { name: "8 days left is ok", at: NOW + 8 * DAY_MS, soonDays: 7, want: "ok" },
    { name: "a window of 0 days is never soon", at: NOW + 1, soonDays: 0, want: "ok" },
  ])("$name", ({ at, soonDays, want }) => {
    expect(expiryState(at, NOW, soonDays)).toBe(want);
  });
});

import { describe, expect, it } from "vitest";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { DAY_MS } from "../accounts/token-expiry.js";
import { fingerprint, Secret } from "../secret.js";
import { expiryVerdict } from "./check-expiry.js";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const HOUR_MS = 60 * 60 * 1000;
const ROTATE = '"git-credential-pat rotate --host github.com --user alice"';

describe("expiryVerdict", () => {
  it.each([
    { name: "serves a token that never expires", expiresAtMs: undefined, warnDays: 7, want: { kind: "ok" } },
    {
      name: "serves a token 8 days from expiry quietly",
      expiresAtMs: NOW + 8 * DAY_MS,
      warnDays: 7,
      want: { kind: "ok" },
    },
    {
      name: "serves a token 7 days and an hour from expiry quietly",
      expiresAtMs: NOW + 7 * DAY_MS + HOUR_MS,
      warnDays: 7,
      want: { kind: "ok" },
    },
    {
      name: "warns about a token exactly 7 days from expiry",
      expiresAtMs: NOW + 7 * DAY_MS,
      warnDays: 7,
      want: {
        kind: "expiring",
        daysLeft: 7,
        message: `warning: the token for alice@github.com expires in 7 days (2026-11-29); rotate it with ${ROTATE}`,
      },
    },
    {
      name: "warns about a token 6 days from expiry",
      expiresAtMs: NOW + 6 * DAY_MS,
      warnDays: 7,
      want: {
        kind: "expiring",
        daysLeft: 6,
        message: `warning: the token for alice@github.com expires in 6 days (2026-11-28); rotate it with ${ROTATE}`,
      },
    },
    {
      name: "rounds hours left up to one day",
      expiresAtMs: NOW + 3 * HOUR_MS,
      warnDays: 7,
      want: {
        kind: "expiring",
        daysLeft: 1,
        message: `warning: the token for alice@github.com expires in 1 day (2026-11-22); rotate it with ${ROTATE}`,
      },
    },
    {
      name: "does not warn with a window of 0 days",
      expiresAtMs: NOW + HOUR_MS,
      warnDays: 0,
      want: { kind: "ok" },
    },
    {
      name: "refuses a token at the moment it expires",
      expiresAtMs: NOW,
      warnDays: 7,
      want: {
        kind: "expired",
        message: `the token for alice@github.com expired on 2026-11-22; run ${ROTATE}`,
      },
    },
    {
      name: "refuses a token that expired long ago, even with warnings off",
      expiresAtMs: Date.UTC(2025, 0, 31, 23, 59),
      warnDays: 0,
      want: {
        kind: "expired",
        message: `the token for alice@github.com expired on 2025-01-31; run ${ROTATE}`,
      },
    },
  ])("$name", ({ expiresAtMs, warnDays, want }) => {
    expect(expiryVerdict({ host: "github.com", login: "alice", expiresAtMs }, NOW, warnDays)).toEqual(want);
  });

  it("names a GHES host with its port in the rotate command", () => {
    const verdict = expiryVerdict(
      { host: "ghe.acme.com:8443", login: "carol", expiresAtMs: NOW - 1 },
      NOW,
      7,
    );
    expect(verdict).toMatchObject({
      message: expect.stringContaining(
        'carol@ghe.acme.com:8443 expired on 2026-11-22; run "git-credential-pat rotate --host ghe.acme.com:8443 --user carol"',
      ),
    });
  });

  it.each([
    { name: "expired", expiresAtMs: NOW - 1 },
    { name: "expiring", expiresAtMs: NOW + DAY_MS },
  ])(
    "for a token git keeps as the username ($name), says to log it out by fingerprint, never shows it",
    ({ expiresAtMs }) => {
      const verdict = expiryVerdict({ host: "github.com", login: CANARY.classic, expiresAtMs }, NOW, 7);
      const message = "message" in verdict ? verdict.message : "";
      expect(message).toContain(
        `remove it with "git-credential-pat logout --host github.com --user 'fp ${fingerprint(new Secret(CANARY.classic))}'"`,
      );
      expect(message).toMatch(/^(warning: )?the token for ghp_… \(fp [0-9a-f]{8}\)@github\.com /);
      expect(message).not.toContain("rotate");
      expect(findCanaries(message)).toEqual([]);
    },
  );
});

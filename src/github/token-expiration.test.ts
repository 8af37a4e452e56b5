import { describe, expect, it } from "vitest";
import { parseTokenExpiration } from "./token-expiration.js";

describe("parseTokenExpiration", () => {
  it.each([
    {
      name: "reads GitHub's documented UTC form",
      header: "2026-12-20 10:00:00 UTC",
      want: "2026-12-20T10:00:00Z",
    },
    { name: "reads a positive offset", header: "2023-04-26 20:23:26 +0200", want: "2023-04-26T18:23:26Z" },
    { name: "reads a negative offset", header: "2023-04-26 20:23:26 -0500", want: "2023-04-27T01:23:26Z" },
    {
      name: "reads an offset with a colon",
      header: "2023-04-26 20:23:26 +05:30",
      want: "2023-04-26T14:53:26Z",
    },
    { name: "reads a zero offset", header: "2026-12-20 10:00:00 +0000", want: "2026-12-20T10:00:00Z" },
    { name: "reads GMT", header: "2026-12-20 10:00:00 GMT", want: "2026-12-20T10:00:00Z" },
    { name: "reads ISO 8601 with Z", header: "2026-12-20T10:00:00Z", want: "2026-12-20T10:00:00Z" },
    {
      name: "reads ISO 8601 with an offset",
      header: "2026-12-20T12:00:00+02:00",
      want: "2026-12-20T10:00:00Z",
    },
    {
      name: "reads fractional seconds",
      header: "2026-12-20T10:00:00.250Z",
      want: "2026-12-20T10:00:00.250Z",
    },
    { name: "reads a time without seconds", header: "2026-12-20 10:00 UTC", want: "2026-12-20T10:00:00Z" },
    {
      name: "ignores surrounding whitespace",
      header: "  2026-12-20 10:00:00 UTC\r\n",
      want: "2026-12-20T10:00:00Z",
    },
    { name: "reads a lower-case zone", header: "2026-12-20 10:00:00 utc", want: "2026-12-20T10:00:00Z" },
    { name: "crosses a year boundary", header: "2026-12-31 23:30:00 -0100", want: "2027-01-01T00:30:00Z" },
    {
      name: "accepts 29 February in a leap year",
      header: "2028-02-29 00:00:00 UTC",
      want: "2028-02-29T00:00:00Z",
    },
  ])("$name", ({ header, want }) => {
    expect(parseTokenExpiration(header)).toBe(Date.parse(want));
  });

  it.each([
    { name: "an empty header", header: "" },
    { name: "garbage", header: "soon" },
    { name: "a time without a zone, which would be a guess", header: "2026-12-20 10:00:00" },
    { name: "a date alone", header: "2026-12-20" },
    { name: "an unknown zone name", header: "2026-12-20 10:00:00 PST" },
    { name: "Unix seconds", header: "1797760800" },
    { name: "month 13", header: "2026-13-01 00:00:00 UTC" },
    { name: "30 February", header: "2026-02-30 00:00:00 UTC" },
    { name: "29 February in a common year", header: "2026-02-29 00:00:00 UTC" },
    { name: "hour 24", header: "2026-12-20 24:00:00 UTC" },
    { name: "minute 60", header: "2026-12-20 10:60:00 UTC" },
    { name: "an offset beyond 14 hours", header: "2026-12-20 10:00:00 +1500" },
    { name: "trailing text", header: "2026-12-20 10:00:00 UTC later" },
    { name: "an RFC 1123 date", header: "Sun, 20 Dec 2026 10:00:00 GMT" },
  ])("treats $name as unknown", ({ header }) => {
    expect(parseTokenExpiration(header)).toBeUndefined();
  });
});

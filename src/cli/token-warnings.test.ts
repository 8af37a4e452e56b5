import { describe, expect, it } from "vitest";
import { overBroadScopes, tokenWarnings } from "./token-warnings.js";

describe("overBroadScopes", () => {
  it.each([
    {
      name: "flags nothing a git client needs",
      scopes: ["repo", "workflow", "read:packages", "public_repo"],
      want: [],
    },
    {
      name: "flags every admin scope",
      scopes: ["repo", "admin:org", "admin:repo_hook"],
      want: ["admin:org", "admin:repo_hook"],
    },
    {
      name: "flags deleting repositories and packages",
      scopes: ["delete_repo", "delete:packages"],
      want: ["delete_repo", "delete:packages"],
    },
    {
      name: "flags site_admin, write:org, user and write:packages",
      scopes: ["site_admin", "write:org", "user", "write:packages"],
      want: ["site_admin", "write:org", "user", "write:packages"],
    },
    {
      name: "leaves harmless read scopes alone",
      scopes: ["read:org", "read:user", "user:email", "gist"],
      want: [],
    },
    { name: "says nothing without scopes", scopes: undefined, want: [] },
  ])("$name", ({ scopes, want }) => {
    expect(overBroadScopes(scopes)).toEqual(want);
  });
});

describe("tokenWarnings", () => {
  it.each([
    {
      name: "a classic token with repo and an expiry follows the advice",
      input: { kind: "classic", scopes: ["repo"], expiresAtMs: 1, isVerified: true },
      want: [],
    },
    {
      name: "an over-broad classic token names the scopes and the fix",
      input: { kind: "classic", scopes: ["repo", "delete_repo"], expiresAtMs: 1, isVerified: true },
      want: [
        "has scopes a git client never needs (delete_repo): make a token with only repo (and workflow) and rotate to it",
      ],
    },
    {
      name: "a verified token without an expiry never expires",
      input: { kind: "fine-grained", scopes: undefined, expiresAtMs: undefined, isVerified: true },
      want: [
        "never expires: GitHub advises an expiry (30 days by default when you create one); rotate to a token that expires",
      ],
    },
    {
      name: "an unverified token's missing expiry is only unknown",
      input: { kind: "classic", scopes: undefined, expiresAtMs: undefined, isVerified: false },
      want: [],
    },
  ])("$name", ({ input, want }) => {
    expect(tokenWarnings(input)).toEqual(want);
  });
});

import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import type { AccountsData, TokenFacts } from "./account.js";
import { dropFacts, findFacts, isKnownGithubHost, upsertFacts, withTokenFacts } from "./token-facts.js";

const facts = (over: Partial<TokenFacts> = {}): TokenFacts => ({
  host: "github.com",
  fingerprint: "aaaa1111",
  login: "octocat",
  kind: "classic",
  scopes: ["repo"],
  checkedAtMs: 1,
  check: "valid",
  ...over,
});

describe("findFacts", () => {
  const data: AccountsData = {
    accounts: [
      account("github.com", "alice", {
        fingerprint: "bbbb2222",
        lastCheckedAtMs: 5,
        lastCheck: "valid",
        scopes: [],
      }),
      account("github.com", "carol", { fingerprint: "cccc3333" }),
    ],
    tokens: [facts(), facts({ host: "ghe.acme.com", fingerprint: "dddd4444", login: "dave" })],
  };
  it.each([
    {
      name: "finds a token's own record by host and fingerprint",
      host: "github.com",
      fp: "aaaa1111",
      want: "octocat",
    },
    { name: "compares hosts without case", host: "GitHub.com", fp: "aaaa1111", want: "octocat" },
    {
      name: "falls back to what an account recorded about that very token",
      host: "github.com",
      fp: "bbbb2222",
      want: "alice",
    },
    { name: "an account never checked says nothing", host: "github.com", fp: "cccc3333", want: undefined },
    { name: "a record on another host says nothing", host: "github.com", fp: "dddd4444", want: undefined },
    { name: "another token's record says nothing", host: "github.com", fp: "eeee5555", want: undefined },
  ])("$name", ({ host, fp, want }) => {
    expect(findFacts(data, host, fp)?.login).toBe(want);
  });
});

describe("upsertFacts and dropFacts", () => {
  it("replaces the record for the same host and token, keeps the others, and lower-cases the host", () => {
    const tokens = [facts(), facts({ fingerprint: "ffff6666" })];
    const next = upsertFacts(tokens, facts({ host: "GitHub.com", login: "renamed" }));
    expect(next.map((entry) => [entry.host, entry.fingerprint, entry.login])).toEqual([
      ["github.com", "aaaa1111", "renamed"],
      ["github.com", "ffff6666", "octocat"],
    ]);
    expect(upsertFacts(tokens, facts({ host: "ghe.acme.com" }))).toHaveLength(3);
  });

  it("drops only the named tokens on the named host", () => {
    const tokens = [facts(), facts({ fingerprint: "ffff6666" }), facts({ host: "ghe.acme.com" })];
    expect(dropFacts(tokens, "github.com", new Set(["aaaa1111"])).map((entry) => entry.fingerprint)).toEqual([
      "ffff6666",
      "aaaa1111",
    ]);
  });
});

describe("isKnownGithubHost", () => {
  const data: AccountsData = {
    accounts: [account("ghe.acme.com:8443", "carol")],
    tokens: [facts({ host: "git.corp.example" })],
  };
  it.each([
    { host: "github.com", ghHost: undefined, want: true },
    { host: "ghe.acme.com:8443", ghHost: undefined, want: true },
    { host: "git.corp.example", ghHost: undefined, want: true },
    { host: "ghe.other.com", ghHost: "https://GHE.other.com/", want: true },
    { host: "gitlab.com", ghHost: undefined, want: false },
    { host: "ghe.acme.com", ghHost: undefined, want: false },
  ])("$host with GH_HOST=$ghHost: $want", ({ host, ghHost, want }) => {
    expect(isKnownGithubHost(host, data, ghHost)).toBe(want);
  });
});

describe("withTokenFacts", () => {
  const known = account("github.com", "octocat", {
    fingerprint: "aaaa1111",
    scopes: ["repo", "workflow"],
    expiresAtMs: 500,
  });
  it.each([
    {
      name: "a check of the same token that reports scopes and expiry replaces them",
      facts: facts({ scopes: ["repo"], expiresAtMs: 900 }),
      want: { fingerprint: "aaaa1111", scopes: ["repo"], expiresAtMs: 900 },
    },
    {
      name: "a check of the same token that reports none keeps what was known of it",
      facts: facts({ scopes: undefined, check: "rejected" }),
      want: {
        fingerprint: "aaaa1111",
        scopes: ["repo", "workflow"],
        expiresAtMs: 500,
        lastCheck: "rejected",
      },
    },
  ])("$name", ({ facts: checked, want }) => {
    expect(withTokenFacts(known, checked)).toMatchObject({ ...want, lastCheckedAtMs: 1, login: "octocat" });
  });

  it("never carries another token's scopes and expiry over", () => {
    const rotated = withTokenFacts(
      known,
      facts({ fingerprint: "bbbb2222", scopes: undefined, kind: "fine-grained" }),
    );
    expect(rotated).toMatchObject({ fingerprint: "bbbb2222", kind: "fine-grained", lastCheck: "valid" });
    expect(rotated).not.toHaveProperty("scopes");
    expect(rotated).not.toHaveProperty("expiresAtMs");
  });
});

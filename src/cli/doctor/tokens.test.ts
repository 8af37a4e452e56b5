// The "tokens" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { account } from "../../../test/helpers/account-fixture.js";
import { CANARY } from "../../../test/helpers/canary.js";
import { DAY, facts, NOW, shown } from "../../../test/helpers/doctor-facts.js";
import { fingerprint, looksLikeToken, Secret } from "../../secret.js";
import type { StoredToken } from "../stored-tokens.js";
import { checkTokens } from "./tokens.js";

describe("checkTokens", () => {
  const tokens = (...accounts: ReturnType<typeof account>[]) => ({
    kind: "ok" as const,
    tokens: accounts.map((a) => ({ account: a, stored: "present" as const })),
  });
  it.each([
    {
      name: "passes a valid token with repo scope",
      input: {
        accounts: tokens(account("github.com", "alice", { scopes: ["repo"], expiresAtMs: NOW + 60 * DAY })),
      },
      want: [
        {
          status: "ok",
          message: "alice@github.com: classic token, expires 2027-01-21 (in 60 days), scopes repo",
        },
      ],
    },
    {
      name: "fails an expired token",
      input: {
        accounts: tokens(account("github.com", "alice", { scopes: ["repo"], expiresAtMs: NOW - 2 * DAY })),
      },
      want: [
        {
          status: "fail",
          message: "alice@github.com: token expired 2026-11-20 (2 days ago)",
          fix: "git-credential-pat rotate --host github.com --user alice",
        },
      ],
    },
    {
      name: "warns on a token expiring within 7 days",
      input: {
        accounts: tokens(account("ghe.acme.com", "bob", { scopes: ["repo"], expiresAtMs: NOW + 3 * DAY })),
      },
      want: [
        {
          status: "warn",
          message: "bob@ghe.acme.com: token expires 2026-11-25 (in 3 days)",
          fix: "git-credential-pat rotate --host ghe.acme.com --user bob",
        },
      ],
    },
    {
      name: "warns on a classic token without the repo scope",
      input: { accounts: tokens(account("github.com", "alice", { scopes: ["read:org"] })) },
      want: [
        {
          status: "warn",
          message: expect.stringContaining('classic token without the "repo" scope (has read:org)'),
        },
      ],
    },
    {
      name: "does not ask fine-grained tokens for scopes",
      input: { accounts: tokens(account("github.com", "alice", { kind: "fine-grained" })) },
      want: [{ status: "ok", message: expect.stringContaining("fine-grained token") }],
    },
    {
      name: "fails a token GitHub rejected",
      input: {
        accounts: tokens(
          account("github.com", "alice", {
            scopes: ["repo"],
            lastCheck: "rejected",
            lastCheckedAtMs: NOW - DAY,
          }),
        ),
      },
      want: [{ status: "fail", message: "alice@github.com: GitHub rejected the token on 2026-11-21" }],
    },
    {
      name: "fails an account whose token is missing from its store",
      input: {
        accounts: {
          kind: "ok" as const,
          tokens: [
            { account: account("github.com", "alice", { scopes: ["repo"] }), stored: "missing" as const },
          ],
        },
      },
      want: [
        {
          status: "fail",
          message: "alice@github.com: no token in the keychain store",
          fix: "git-credential-pat login --host github.com --user alice",
        },
      ],
    },
    {
      name: "warns that an environment token shadows a stored one",
      input: {
        accounts: tokens(account("github.com", "alice", { scopes: ["repo"] })),
        envTokens: [{ host: "github.com", variable: "GH_TOKEN" }],
      },
      want: [
        { status: "ok" },
        {
          status: "warn",
          message: "GH_TOKEN is set and is used before the stored token for github.com",
          fix: "unset GH_TOKEN",
        },
      ],
    },
    {
      name: "passes an environment token alone",
      input: { envTokens: [{ host: "ghe.acme.com", variable: "GH_ENTERPRISE_TOKEN" }] },
      want: [{ status: "ok", message: "GH_ENTERPRISE_TOKEN serves ghe.acme.com (from the environment)" }],
    },
    {
      name: "fails a broken accounts file with the file's own advice",
      input: {
        accounts: {
          kind: "error" as const,
          message: "accounts file /home/user/.config/git-credential-pat/accounts.json is not JSON",
          hint: "mv /home/user/.config/git-credential-pat/accounts.json /home/user/.config/git-credential-pat/accounts.json.bak",
        },
      },
      want: [
        {
          status: "fail",
          message: "accounts file /home/user/.config/git-credential-pat/accounts.json is not JSON",
          fix: "mv /home/user/.config/git-credential-pat/accounts.json /home/user/.config/git-credential-pat/accounts.json.bak",
        },
      ],
    },
    {
      name: "warns when there is no token at all",
      input: {},
      want: [
        {
          status: "warn",
          message: "no tokens: git-credential-pat has nothing to give git",
          fix: "git-credential-pat login",
        },
      ],
    },
  ])("$name", ({ input, want }) => {
    expect(shown(checkTokens(facts(input)))).toEqual(want.map((w) => expect.objectContaining(w)));
  });
});

// Tokens no account describes: git stored them from its prompt (or import did).
describe("checkTokens on tokens git stored", () => {
  const held = (over: Partial<StoredToken> = {}, username = "octocat"): StoredToken => ({
    credential: { protocol: "https", host: "github.com", username, password: new Secret(CANARY.classic) },
    isTokenAsUsername: looksLikeToken(username),
    token: new Secret(looksLikeToken(username) ? username : CANARY.classic),
    fingerprint: fingerprint(new Secret(looksLikeToken(username) ? username : CANARY.classic)),
    kind: "classic",
    facts: undefined,
    expiresAtMs: undefined,
    ...over,
  });
  const verified = (over: Partial<NonNullable<StoredToken["facts"]>> = {}) => ({
    host: "github.com",
    fingerprint: fingerprint(new Secret(CANARY.classic)),
    login: "octocat",
    kind: "classic" as const,
    scopes: ["repo"],
    checkedAtMs: NOW - DAY,
    check: "valid" as const,
    ...over,
  });
  it.each([
    {
      name: "warns about a token nobody verified, with the command that does",
      input: [held()],
      want: [
        {
          status: "warn",
          message:
            "octocat@github.com: a classic token git stored, never verified: its login, scopes and expiry are unknown",
          fix: "git-credential-pat verify --host github.com",
        },
      ],
    },
    {
      name: "passes a verified token that follows GitHub's advice, by its login",
      input: [held({ facts: verified(), expiresAtMs: NOW + 60 * DAY }, "x-access-token")],
      want: [
        { status: "ok", message: expect.stringMatching(/^octocat@github\.com: classic token, expires/) },
      ],
    },
    {
      name: "warns about scopes a git client never needs, and about no expiry",
      input: [held({ facts: verified({ scopes: ["repo", "admin:org"] }) })],
      want: [
        expect.objectContaining({ status: "warn", message: expect.stringContaining("(admin:org)") }),
        expect.objectContaining({ status: "warn", message: expect.stringContaining("never expires") }),
      ],
    },
    {
      name: "fails a token past the expiry git handed over",
      input: [held({ expiresAtMs: NOW - DAY })],
      want: [
        expect.objectContaining({
          status: "fail",
          message: expect.stringMatching(/^octocat@github\.com: token expired/),
        }),
        expect.objectContaining({ status: "warn" }),
      ],
    },
    {
      name: "describes a token git keeps as the username, and says to log out, not rotate, an expired one",
      input: [held({ expiresAtMs: NOW - DAY }, CANARY.classic2)],
      want: [
        {
          status: "fail",
          message: expect.stringMatching(/^ghp_… \(fp [0-9a-f]{8}\)@github\.com: token expired/),
          // Named by fingerprint: a bare `logout --host` would log out the host's default account.
          fix: expect.stringMatching(
            /^git-credential-pat logout --host github\.com --user 'fp [0-9a-f]{8}', then git-credential-pat login --host github\.com$/,
          ),
        },
        {
          status: "warn",
          message: expect.stringMatching(
            /git keeps as the username \(a remote URL https:\/\/TOKEN@…\): it cannot be verified as stored/,
          ),
          // verify skips such an entry: pointing there would go round in a loop.
          fix: expect.stringMatching(/^git-credential-pat logout --host github\.com --user 'fp [0-9a-f]{8}'/),
        },
      ],
    },
    {
      name: "sends a token whose login nobody knows (a token as the username, another as the password) to verify",
      input: [{ ...held({ expiresAtMs: NOW - DAY }, CANARY.classic2), isTokenAsUsername: false }],
      want: [
        expect.objectContaining({ status: "fail", fix: "git-credential-pat verify --host github.com" }),
        expect.objectContaining({ status: "warn", fix: "git-credential-pat verify --host github.com" }),
      ],
    },
    {
      name: "counts a token git copied under several paths once",
      input: [
        held({ facts: verified(), expiresAtMs: NOW + 60 * DAY }),
        held({ facts: verified(), expiresAtMs: NOW + 60 * DAY }),
      ],
      want: [expect.objectContaining({ status: "ok" })],
    },
  ])("$name", ({ input, want }) => {
    expect(shown(checkTokens(facts({ storedTokens: input })))).toEqual(want);
  });

  it("does not say there are no tokens when the store holds one nobody logged in with", () => {
    const findings = checkTokens(facts({ storedTokens: [held()] }));
    expect(findings.map((finding) => finding.message)).not.toContain(
      "no tokens: git-credential-pat has nothing to give git",
    );
  });
});

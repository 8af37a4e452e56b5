import { describe, expect, it } from "vitest";
import { describe as describeSecret } from "../secret.js";
import { findUrlSecret, isTokenLikeUsername, maskCommand, maskUrl, secretFreePattern } from "./url-secret.js";

// Made-up values shaped like each kind of token; none is a real credential.
const CLASSIC = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const FINE = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";
const HEX40 = "0123456789abcdef0123456789abcdef01234567";

describe("isTokenLikeUsername", () => {
  it.each([
    { name: "takes a classic token for a token", username: CLASSIC, want: true },
    { name: "takes a fine-grained token for a token", username: FINE, want: true },
    { name: "takes an OAuth token for a token", username: "gho_abc", want: true },
    { name: "takes a GitHub App user token for a token", username: "ghu_abc", want: true },
    { name: "takes a GitHub App installation token for a token", username: "ghs_abc", want: true },
    { name: "takes a refresh token for a token", username: "ghr_abc", want: true },
    { name: "takes 40 hex digits (a classic token before 2021) for a token", username: HEX40, want: true },
    { name: "takes 40 upper-case hex digits for a token", username: HEX40.toUpperCase(), want: true },
    { name: "takes a percent-encoded token prefix for a token", username: "ghp%5Fabc", want: true },
    {
      name: "takes 40 characters, one more than a GitHub login can have, for a token",
      username: "a".repeat(40),
      want: true,
    },
    { name: "takes a long opaque token of another host for a token", username: "x".repeat(52), want: true },
    { name: "takes a GitHub login for a login", username: "alice", want: false },
    { name: "takes a 39-character login for a login", username: "a".repeat(39), want: false },
    { name: "takes a hyphenated login for a login", username: "octo-cat-2", want: false },
    {
      name: "takes x-access-token (GitHub Actions' placeholder) for a login",
      username: "x-access-token",
      want: false,
    },
    { name: "takes oauth2 (GitLab's placeholder) for a login", username: "oauth2", want: false },
    { name: "takes git for a login", username: "git", want: false },
    { name: "takes token for a login", username: "token", want: false },
    { name: "takes an e-mail address for a login", username: "alice%40example.com", want: false },
    {
      name: "takes a long e-mail address for a login",
      username: "firstname.lastname%40subsidiary.example.com",
      want: false,
    },
    { name: "takes 39 hex digits for a login", username: HEX40.slice(1), want: false },
    { name: "takes a token prefix inside a name for a login", username: "my-ghp_", want: false },
    { name: "takes an empty user name for no token", username: "", want: false },
  ])("$name", ({ username, want }) => {
    expect(isTokenLikeUsername(username)).toBe(want);
  });
});

describe("findUrlSecret", () => {
  it.each([
    {
      name: "finds a password and keeps the user name",
      url: `https://alice:${CLASSIC}@github.com/acme/app.git`,
      want: {
        kind: "password",
        masked: "https://alice:***@github.com/acme/app.git",
        cleaned: "https://alice@github.com/acme/app.git",
        host: "github.com",
      },
    },
    {
      name: "finds a password of any shape",
      url: "https://alice:hunter2@ghe.acme.com:8443/acme/app.git",
      want: {
        kind: "password",
        masked: "https://alice:***@ghe.acme.com:8443/acme/app.git",
        cleaned: "https://alice@ghe.acme.com:8443/acme/app.git",
        host: "ghe.acme.com:8443",
      },
    },
    {
      name: "finds a token as the user name and drops it",
      url: `https://${CLASSIC}@github.com/acme/app.git`,
      want: {
        kind: "username",
        masked: "https://***@github.com/acme/app.git",
        cleaned: "https://github.com/acme/app.git",
      },
    },
    {
      name: "finds 40 hex digits as the user name",
      url: `https://${HEX40}@127.0.0.1:8080/acme/app.git`,
      want: {
        kind: "username",
        masked: "https://***@127.0.0.1:8080/acme/app.git",
        cleaned: "https://127.0.0.1:8080/acme/app.git",
        host: "127.0.0.1:8080",
      },
    },
    {
      name: "drops a token user name together with its placeholder password",
      url: `https://${CLASSIC}:x-oauth-basic@github.com/acme/app.git`,
      want: {
        kind: "username",
        masked: "https://***@github.com/acme/app.git",
        cleaned: "https://github.com/acme/app.git",
      },
    },
    {
      name: "keeps x-access-token and takes the token after it",
      url: `https://x-access-token:${CLASSIC}@github.com/acme/app.git`,
      want: {
        kind: "password",
        masked: "https://x-access-token:***@github.com/acme/app.git",
        cleaned: "https://x-access-token@github.com/acme/app.git",
      },
    },
    {
      name: "finds a password without a user name",
      url: `https://:${FINE}@github.com/acme/app.git`,
      want: {
        kind: "password",
        masked: "https://***@github.com/acme/app.git",
        cleaned: "https://github.com/acme/app.git",
      },
    },
    {
      name: "finds a token in a URL base ending in a slash",
      url: `https://${FINE}@github.com/`,
      want: { kind: "username", masked: "https://***@github.com/", cleaned: "https://github.com/" },
    },
    {
      name: "finds a token in a URL without a path",
      url: `https://${CLASSIC}@github.com`,
      want: {
        kind: "username",
        masked: "https://***@github.com",
        cleaned: "https://github.com",
        host: "github.com",
      },
    },
    {
      name: "takes a stray @ in a password as part of it",
      url: "https://alice:p@ss@github.com/a.git",
      want: {
        kind: "password",
        masked: "https://alice:***@github.com/a.git",
        cleaned: "https://alice@github.com/a.git",
      },
    },
    {
      name: "finds a password in an ssh:// URL too",
      url: "ssh://git:hunter2@github.com/acme/app.git",
      want: { kind: "password", cleaned: "ssh://git@github.com/acme/app.git" },
    },
  ])("$name", ({ url, want }) => {
    const found = findUrlSecret(url);
    expect(found).toMatchObject(want);
    expect(maskUrl(url)).toBe(want.masked ?? maskUrl(url));
  });

  it.each([
    { name: "finds nothing in a URL without userinfo", url: "https://github.com/acme/app.git" },
    { name: "finds nothing in a login alone", url: "https://alice@github.com/acme/app.git" },
    { name: "finds nothing in x-access-token alone", url: "https://x-access-token@github.com/acme/app.git" },
    { name: "finds nothing in an empty password", url: "https://alice:@github.com/acme/app.git" },
    { name: "finds nothing in an scp-like SSH address", url: "git@github.com:acme/app.git" },
    { name: "finds nothing in an @ inside the path", url: "https://github.com/acme/app@v1.git" },
    { name: "finds nothing in a local path", url: "/srv/git/app.git" },
  ])("$name", ({ url }) => {
    expect(findUrlSecret(url)).toEqual({ kind: "none" });
    expect(maskUrl(url)).toBe(url);
  });

  it.each([
    {
      name: "masks the values of a query string",
      url: "https://github.com/acme/x.git?access_token=SECRETQUERYVALUE123&b=2#frag=x",
      want: "https://github.com/acme/x.git?access_token=***&b=***#frag=***",
    },
    {
      name: "masks a password with a / in it, which git does not read as one",
      url: "https://alice:abc/def@github.com/acme/x.git",
      want: "https://alice:***@github.com/acme/x.git",
    },
    {
      name: "leaves a port and an @ in the path alone when no / comes before the port",
      url: "https://github.com:8443/acme/app@v1.git",
      want: "https://github.com:8443/acme/app@v1.git",
    },
  ])("maskUrl $name (for display only)", ({ url, want }) => {
    expect(maskUrl(url)).toBe(want);
  });

  it.each([
    {
      name: "a password= value in an inline helper",
      text: `!f() { echo username=bot; echo password=${CLASSIC}; }; f`,
      want: "!f() { echo username=bot; echo password=***; }; f",
    },
    { name: "a plain password=", text: "!echo password=s3cr3tPassw0rd", want: "!echo password=***" },
    {
      name: "40 hex digits standing alone",
      text: "!echo 0123456789abcdef0123456789abcdef01234567",
      want: "!echo ***",
    },
    { name: "a token= argument", text: "mytool --token=abc123 get", want: "mytool --token=*** get" },
    {
      name: "the secret of a URL",
      text: "store --file=/x https://alice:pw@github.com",
      want: "store --file=/x https://alice:***@github.com",
    },
    {
      name: "nothing in an ordinary helper",
      text: "store --file=/home/a/.creds",
      want: "store --file=/home/a/.creds",
    },
    {
      name: "nothing in our own helper",
      text: "pat --store=file --timeout=0",
      want: "pat --store=file --timeout=0",
    },
  ])("maskCommand masks $name", ({ text, want }) => {
    expect(maskCommand(text)).toBe(want);
  });

  it("identifies the token by kind and fingerprint, never by a slice of it", () => {
    const found = findUrlSecret(`https://${CLASSIC}@github.com/acme/app.git`);
    if (found.kind === "none") throw new Error("no secret found");
    expect(describeSecret(found.secret)).toMatch(/^ghp_… \(fp [0-9a-f]{8}\)$/);
    expect(JSON.stringify(found)).not.toContain(CLASSIC.slice(4));
  });
});

describe("secretFreePattern", () => {
  const patternOf = (url: string) => {
    const found = findUrlSecret(url);
    if (found.kind === "none") throw new Error(`no secret in ${url}`);
    return secretFreePattern(found);
  };
  // git config value patterns are POSIX EREs; JavaScript reads these few constructs the same way.
  const matches = (pattern: string, value: string) => new RegExp(pattern).test(value);

  it.each([
    {
      name: "matches the URL with its password, keeping the user name and escaping dots",
      url: `https://alice:${CLASSIC}@github.com/acme/app.git`,
      want: "^https://alice:[^/]{40}@github\\.com/acme/app\\.git$",
    },
    {
      name: "matches the whole userinfo of a token user name",
      url: `https://${HEX40}@127.0.0.1:8080/acme/app.git`,
      want: "^https://[^/]{40}@127\\.0\\.0\\.1:8080/acme/app\\.git$",
    },
    {
      name: "escapes every ERE metacharacter around the secret",
      url: "https://a+b:pw@h/x(1)[2]{3}|^$?*\\.git",
      want: "^https://a\\+b:[^/]{2}@h/x\\(1\\)\\[2\\]\\{3\\}\\|\\^\\$\\?\\*\\\\\\.git$",
    },
    {
      name: "splits a bound over 255 so every git's regex library accepts it",
      url: `https://alice:${"s".repeat(300)}@h/x`,
      want: "^https://alice:[^/]{255}[^/]{45}@h/x$",
    },
  ])("$name", ({ url, want }) => {
    const pattern = patternOf(url);
    expect(pattern).toBe(want);
    expect(matches(pattern, url)).toBe(true);
  });

  it("holds no part of the secret and matches neither the cleaned URL nor another URL", () => {
    const url = `https://${CLASSIC}@github.com/acme/app.git`;
    const pattern = patternOf(url);
    expect(pattern).not.toContain("ghp_");
    expect(pattern).not.toContain(CLASSIC.slice(4, 12));
    expect(matches(pattern, "https://github.com/acme/app.git")).toBe(false);
    expect(matches(pattern, "https://alice@github.com/acme/app.git")).toBe(false);
    expect(matches(pattern, `https://${CLASSIC}@github.com/acme/other.git`)).toBe(false);
  });
});

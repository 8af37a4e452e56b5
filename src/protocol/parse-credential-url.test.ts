import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { recordOutput } from "../../test/helpers/canary-guard.js";
import { type ParsedUrl, parseCredentialUrl } from "./parse-credential-url.js";

const TOKEN = CANARY.classic;

/** The result with the password revealed, so toStrictEqual compares its value. */
function plain(result: ParsedUrl) {
  if (result.kind === "invalid") return result;
  const { password, ...rest } = result.credential;
  return { kind: "ok", credential: password === undefined ? rest : { ...rest, password: password.reveal() } };
}

describe("parseCredentialUrl: URLs git accepts", () => {
  // Each want was checked against `git credential fill` (git 2.39) with credential.useHttpPath.
  const cases: Array<{ name: string; input: string; want: Record<string, string> }> = [
    {
      name: "reads protocol and host",
      input: "https://github.com",
      want: { protocol: "https", host: "github.com" },
    },
    {
      name: "reads a username",
      input: "https://alice@github.com",
      want: { protocol: "https", host: "github.com", username: "alice" },
    },
    {
      name: "reads a username and password",
      input: `https://alice:${TOKEN}@github.com/acme/app.git`,
      want: {
        protocol: "https",
        host: "github.com",
        path: "acme/app.git",
        username: "alice",
        password: TOKEN,
      },
    },
    {
      name: "an empty username before @ is a value",
      input: "https://@github.com",
      want: { protocol: "https", host: "github.com", username: "" },
    },
    {
      name: "an empty password after : is a value",
      input: "https://alice:@github.com",
      want: { protocol: "https", host: "github.com", username: "alice", password: "" },
    },
    {
      name: "splits username and password at the first colon",
      input: "https://a:b:c@github.com",
      want: { protocol: "https", host: "github.com", username: "a", password: "b:c" },
    },
    {
      name: "splits userinfo at the first @ and keeps the rest in host",
      input: "https://u@h:1@x/p",
      want: { protocol: "https", host: "h:1@x", path: "p", username: "u" },
    },
    {
      name: "keeps the port in host",
      input: "https://github.com:8443/acme",
      want: { protocol: "https", host: "github.com:8443", path: "acme" },
    },
    {
      name: "a colon after @ is the port, not a password",
      input: "http://alice@127.0.0.1:8443",
      want: { protocol: "http", host: "127.0.0.1:8443", username: "alice" },
    },
    {
      name: "decodes percent-encoded username, password, host and path",
      input: "https://a%40b:p%3Aw%2F%25@h%2Eexample/my%20app.git",
      want: { protocol: "https", host: "h.example", path: "my app.git", username: "a@b", password: "p:w/%" },
    },
    {
      name: "does not decode + as a space",
      input: "https://a+b@github.com/x+y",
      want: { protocol: "https", host: "github.com", path: "x+y", username: "a+b" },
    },
    {
      name: "keeps a malformed %XX as is",
      input: "https://github.com/100%/%zz%4",
      want: { protocol: "https", host: "github.com", path: "100%/%zz%4" },
    },
    {
      name: "trims leading and trailing slashes of the path",
      input: "https://github.com:8443//acme//app//",
      want: { protocol: "https", host: "github.com:8443", path: "acme//app" },
    },
    {
      name: "trims trailing slashes after decoding",
      input: "https://github.com/acme/%2F",
      want: { protocol: "https", host: "github.com", path: "acme" },
    },
    {
      name: "keeps the first character of a path that decodes to slashes",
      input: "https://github.com/%2F%2F",
      want: { protocol: "https", host: "github.com", path: "/" },
    },
    {
      name: "a path of only slashes is no path",
      input: "https://github.com///",
      want: { protocol: "https", host: "github.com" },
    },
    {
      name: "an empty host is kept as empty",
      input: "https:///acme",
      want: { protocol: "https", host: "", path: "acme" },
    },
    {
      name: "a ? ends the host, so the @ after it is in the path",
      input: "https://evil.example?@github.com/",
      want: { protocol: "https", host: "evil.example", path: "?@github.com" },
    },
    {
      name: "a # ends the host, so the @ after it is in the path",
      input: `https://alice:${TOKEN}@evil.example#@github.com/x`,
      want: {
        protocol: "https",
        host: "evil.example",
        path: "#@github.com/x",
        username: "alice",
        password: TOKEN,
      },
    },
    {
      name: "an @ in the path is not userinfo",
      input: "https://github.com/acme/a@b:c",
      want: { protocol: "https", host: "github.com", path: "acme/a@b:c" },
    },
    {
      name: "keeps the scheme as written, without decoding it",
      input: "ht%74ps://github.com",
      want: { protocol: "ht%74ps", host: "github.com" },
    },
    {
      name: "decodes escapes next to raw characters outside the BMP",
      input: "https://github.com/😀%20%F0%9F%98%80",
      want: { protocol: "https", host: "github.com", path: "😀 😀" },
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(plain(parseCredentialUrl(input))).toStrictEqual({ kind: "ok", credential: want });
  });
});

describe("parseCredentialUrl: URLs git refuses", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    {
      name: "refuses a url without a scheme",
      input: `alice:${TOKEN}@github.com/acme`,
      want: "url has no scheme (expected proto://host/path)",
    },
    {
      name: "refuses a url that starts with ://",
      input: `://alice:${TOKEN}@github.com`,
      want: "url has no scheme (expected proto://host/path)",
    },
    {
      name: "refuses a percent-encoded LF in the password (CVE-2020-5260)",
      input: `https://alice:${TOKEN}%0Ahost=evil.example@github.com`,
      want: "url contains a control character in its password",
    },
    {
      name: "refuses a percent-encoded CR in the username",
      input: `https://al%0dice:${TOKEN}@github.com`,
      want: "url contains a control character in its username",
    },
    {
      name: "refuses a percent-encoded NUL in the host",
      input: `https://alice:${TOKEN}@github.com%00.evil.example`,
      want: "url contains a control character in its host",
    },
    {
      name: "refuses a percent-encoded LF in the path",
      input: `https://alice:${TOKEN}@github.com/acme%0Apassword=x`,
      want: "url contains a control character in its path",
    },
    {
      name: "refuses a raw CR in the scheme",
      input: `ht\rtps://alice:${TOKEN}@github.com`,
      want: "url contains a control character in its protocol",
    },
    {
      name: "refuses a password that decodes to invalid UTF-8",
      input: `https://alice:${TOKEN}%FF@github.com`,
      want: "url password is not valid UTF-8",
    },
    {
      name: "refuses a path that decodes to invalid UTF-8",
      input: `https://alice:${TOKEN}@github.com/%C3%28`,
      want: "url path is not valid UTF-8",
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    const result = parseCredentialUrl(input);
    expect(result).toStrictEqual({ kind: "invalid", reason: want });
    recordOutput("parseCredentialUrl reason", want);
    expect(want).not.toContain(TOKEN);
  });
});

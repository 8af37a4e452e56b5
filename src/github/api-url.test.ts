import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { defaultApiUrl, normalizeApiUrl } from "./api-url.js";

describe("defaultApiUrl", () => {
  it.each([
    { name: "github.com uses api.github.com", host: "github.com", want: "https://api.github.com" },
    { name: "the host is case-insensitive", host: "GitHub.com", want: "https://api.github.com" },
    { name: "a GHES host uses /api/v3", host: "ghe.acme.com", want: "https://ghe.acme.com/api/v3" },
    { name: "a GHES port is kept", host: "ghe.acme.com:8443", want: "https://ghe.acme.com:8443/api/v3" },
    { name: "an IPv6 GHES host is kept bracketed", host: "[::1]:8443", want: "https://[::1]:8443/api/v3" },
    {
      name: "a ghe.com tenant uses api.TENANT.ghe.com",
      host: "acme.ghe.com",
      want: "https://api.acme.ghe.com",
    },
    {
      name: "a look-alike of github.com is a GHES host",
      host: "github.com.evil.io",
      want: "https://github.com.evil.io/api/v3",
    },
  ])("$name", ({ host, want }) => {
    expect(defaultApiUrl(host)).toBe(want);
  });

  it.each([
    { name: "a host with userinfo would send the token elsewhere", host: "github.com@evil.io" },
    { name: "a host with a path", host: "ghe.acme.com/x" },
    { name: "an empty host", host: "" },
    { name: "a host with a space", host: "ghe acme.com" },
  ])("refuses $name", ({ host }) => {
    expect(() => defaultApiUrl(host)).toThrow(UsageError);
  });
});

describe("normalizeApiUrl", () => {
  it.each([
    { name: "keeps an https URL", url: "https://ghe.acme.com/api/v3", want: "https://ghe.acme.com/api/v3" },
    {
      name: "strips a trailing slash",
      url: "https://ghe.acme.com/api/v3/",
      want: "https://ghe.acme.com/api/v3",
    },
    { name: "strips the root slash", url: "https://api.github.com/", want: "https://api.github.com" },
    {
      name: "keeps a port",
      url: "https://ghe.acme.com:8443/api/v3",
      want: "https://ghe.acme.com:8443/api/v3",
    },
    {
      name: "drops the default port",
      url: "https://ghe.acme.com:443/api/v3",
      want: "https://ghe.acme.com/api/v3",
    },
    { name: "lower-cases the host", url: "https://GHE.Acme.com/api/v3", want: "https://ghe.acme.com/api/v3" },
    { name: "allows http to 127.0.0.1", url: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080" },
    {
      name: "allows http to any 127.x address",
      url: "http://127.1.2.3/api/v3",
      want: "http://127.1.2.3/api/v3",
    },
    { name: "allows http to localhost", url: "http://localhost:3000/", want: "http://localhost:3000" },
    { name: "allows http to ::1", url: "http://[::1]:3000", want: "http://[::1]:3000" },
    { name: "trims surrounding whitespace", url: " https://api.github.com ", want: "https://api.github.com" },
  ])("$name", ({ url, want }) => {
    expect(normalizeApiUrl(url)).toBe(want);
  });

  it.each([
    { name: "http to another host", url: "http://ghe.acme.com/api/v3", want: /unencrypted; use https/ },
    { name: "http to a host that merely starts with 127", url: "http://127.evil.io", want: /unencrypted/ },
    { name: "another scheme", url: "ftp://ghe.acme.com", want: /must be an https URL/ },
    { name: "not a URL", url: "ghe.acme.com/api/v3", want: /is not a URL/ },
    { name: "a query", url: "https://ghe.acme.com/api/v3?x=1", want: /query or fragment/ },
    { name: "a fragment", url: "https://ghe.acme.com/api/v3#x", want: /query or fragment/ },
  ])("refuses $name", ({ url, want }) => {
    expect(() => normalizeApiUrl(url)).toThrow(want);
    expect(() => normalizeApiUrl(url)).toThrow(UsageError);
  });

  it("refuses credentials in the URL without echoing them", () => {
    const url = "https://x-access-token:ghp_0123456789abcdefghijABCDEFGHIJ@ghe.acme.com/api/v3";
    expect(() => normalizeApiUrl(url)).toThrow(/must not contain a user name or password/);
    expect(() => normalizeApiUrl(url)).not.toThrow(/ghp_/);
  });
});

import { describe, expect, it } from "vitest";
import { PatError } from "../errors.js";
import { isNoProxyHost, proxyFromEnv } from "./proxy-from-env.js";

const GITHUB = new URL("https://api.github.com/user");
const PROXY = "http://proxy.corp:3128";

describe("proxyFromEnv", () => {
  it.each<{ name: string; target?: URL; env: Record<string, string>; want: string | undefined }>([
    { name: "no variable: straight to the server", env: {}, want: undefined },
    { name: "https uses HTTPS_PROXY", env: { HTTPS_PROXY: PROXY }, want: "HTTPS_PROXY" },
    { name: "https uses https_proxy", env: { https_proxy: PROXY }, want: "https_proxy" },
    {
      name: "the lower-case variable wins, as in curl",
      env: { https_proxy: PROXY, HTTPS_PROXY: "http://other:1" },
      want: "https_proxy",
    },
    {
      name: "an empty lower-case variable counts as unset",
      env: { https_proxy: " ", HTTPS_PROXY: PROXY },
      want: "HTTPS_PROXY",
    },
    { name: "https does not use HTTP_PROXY", env: { HTTP_PROXY: PROXY, http_proxy: PROXY }, want: undefined },
    { name: "https falls back to ALL_PROXY", env: { ALL_PROXY: PROXY }, want: "ALL_PROXY" },
    { name: "https falls back to all_proxy", env: { all_proxy: PROXY }, want: "all_proxy" },
    {
      name: "a scheme's own variable wins over ALL_PROXY",
      env: { ALL_PROXY: "http://other:1", HTTPS_PROXY: PROXY },
      want: "HTTPS_PROXY",
    },
    {
      name: "http uses HTTP_PROXY",
      target: new URL("http://127.0.0.1:8080/user"),
      env: { HTTP_PROXY: PROXY },
      want: "HTTP_PROXY",
    },
    {
      name: "http uses http_proxy",
      target: new URL("http://127.0.0.1:8080/user"),
      env: { http_proxy: PROXY },
      want: "http_proxy",
    },
    {
      name: "http does not use HTTPS_PROXY",
      target: new URL("http://127.0.0.1:8080/user"),
      env: { HTTPS_PROXY: PROXY },
      want: undefined,
    },
    {
      name: "a loopback host is proxied unless NO_PROXY names it, as in curl",
      target: new URL("https://127.0.0.1:8443/api/v3/user"),
      env: { HTTPS_PROXY: PROXY },
      want: "HTTPS_PROXY",
    },
  ])("$name", ({ target = GITHUB, env, want }) => {
    const choice = proxyFromEnv(target, env);
    expect(choice.kind === "proxy" ? choice.variable : undefined).toBe(want);
  });

  it.each([
    { name: "NO_PROXY", env: { HTTPS_PROXY: PROXY, NO_PROXY: "github.com" }, want: "NO_PROXY" },
    {
      name: "no_proxy, ahead of NO_PROXY",
      env: { HTTPS_PROXY: PROXY, no_proxy: "*", NO_PROXY: "x" },
      want: "no_proxy",
    },
  ])("a host listed in $name goes direct and says which list", ({ env, want }) => {
    expect(proxyFromEnv(GITHUB, env)).toEqual({ kind: "direct", bypassedBy: want });
  });

  it("a host another list entry does not name is proxied", () => {
    expect(proxyFromEnv(GITHUB, { HTTPS_PROXY: PROXY, NO_PROXY: "ghe.corp,10.0.0.0/8" })).toMatchObject({
      kind: "proxy",
      variable: "HTTPS_PROXY",
    });
  });

  it.each([
    { name: "a full URL", value: "http://proxy.corp:3128", want: "http://proxy.corp:3128" },
    { name: "no scheme, read as http:// (curl)", value: "proxy.corp:3128", want: "http://proxy.corp:3128" },
    { name: "an https proxy", value: "https://proxy.corp", want: "https://proxy.corp" },
    {
      name: "a path is ignored in the shown form",
      value: "http://proxy.corp:3128/",
      want: "http://proxy.corp:3128",
    },
    { name: "an IPv6 proxy", value: "http://[fd00::1]:3128", want: "http://[fd00::1]:3128" },
    {
      name: "credentials are kept for the request, never in the shown form",
      value: "http://corp%5Cbob:s3cr%40t@proxy.corp:3128",
      want: "http://proxy.corp:3128",
    },
  ])("reads $name", ({ value, want }) => {
    const choice = proxyFromEnv(GITHUB, { HTTPS_PROXY: value });
    if (choice.kind !== "proxy") expect.unreachable("no proxy chosen");
    expect(choice.shown).toBe(want);
    expect(choice.url.hostname).not.toBe("");
  });

  it("keeps the credentials in the URL it hands on", () => {
    const choice = proxyFromEnv(GITHUB, { HTTPS_PROXY: "http://corp%5Cbob:s3cr%40t@proxy.corp:3128" });
    expect(choice).toMatchObject({ kind: "proxy", url: { username: "corp%5Cbob", password: "s3cr%40t" } });
  });

  it.each([
    {
      name: "a socks proxy",
      value: "socks5://bob:hunter2@proxy.corp:1080",
      want: "HTTPS_PROXY names a socks5 proxy; only http:// and https:// proxies are supported",
    },
    {
      name: "a value that is not a URL",
      value: "http://bob:hunter2@proxy corp:3128",
      want: "HTTPS_PROXY is not a proxy URL; set it to http://HOST:PORT",
    },
  ])("refuses $name without echoing the value", ({ value, want }) => {
    let error: unknown;
    try {
      proxyFromEnv(GITHUB, { HTTPS_PROXY: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PatError);
    expect((error as Error).message).toBe(want);
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("does not read a proxy URL NO_PROXY bypasses", () => {
    expect(proxyFromEnv(GITHUB, { HTTPS_PROXY: "socks5://x", NO_PROXY: "*" }).kind).toBe("direct");
  });
});

describe("isNoProxyHost", () => {
  it.each<{ name: string; url: string; list: string; want: boolean }>([
    { name: "* names every host", url: "https://api.github.com", list: "*", want: true },
    {
      name: "* anywhere in the list names every host",
      url: "https://api.github.com",
      list: "corp,*",
      want: true,
    },
    { name: "an exact host name", url: "https://ghe.corp", list: "ghe.corp", want: true },
    { name: "a domain names its subdomains", url: "https://api.github.com", list: "github.com", want: true },
    {
      name: "a leading dot names the domain itself too",
      url: "https://github.com",
      list: ".github.com",
      want: true,
    },
    {
      name: "a leading dot names subdomains",
      url: "https://api.github.com",
      list: ".github.com",
      want: true,
    },
    {
      name: "a leading *. works like a leading dot",
      url: "https://api.github.com",
      list: "*.github.com",
      want: true,
    },
    { name: "case does not matter", url: "https://API.GitHub.com", list: "GITHUB.COM", want: true },
    {
      name: "a trailing dot does not matter",
      url: "https://api.github.com./",
      list: "github.com.",
      want: true,
    },
    {
      name: "commas and spaces both separate",
      url: "https://ghe.corp",
      list: " a.example ,  b.example ghe.corp",
      want: true,
    },
    {
      name: "a look-alike suffix is not the domain",
      url: "https://evilgithub.com",
      list: "github.com",
      want: false,
    },
    {
      name: "a subdomain does not name its parent",
      url: "https://github.com",
      list: "api.github.com",
      want: false,
    },
    { name: "an empty list names nothing", url: "https://github.com", list: " , ", want: false },
    { name: "an IPv4 address, exactly", url: "https://10.1.2.3/api/v3", list: "10.1.2.3", want: true },
    {
      name: "an IPv4 address is not a domain to suffix-match",
      url: "https://10.1.2.3",
      list: ".2.3",
      want: false,
    },
    { name: "an IPv4 range in CIDR form", url: "https://10.1.2.3", list: "10.0.0.0/8", want: true },
    { name: "an IPv4 address outside the range", url: "https://11.1.2.3", list: "10.0.0.0/8", want: false },
    { name: "a /32 range is one address", url: "https://127.0.0.1:8443", list: "127.0.0.1/32", want: true },
    { name: "a /0 range is every IPv4 address", url: "https://192.0.2.1", list: "0.0.0.0/0", want: true },
    { name: "a range never names a host name", url: "https://ghe.corp", list: "0.0.0.0/0", want: false },
    { name: "an IPv6 address without brackets", url: "https://[::1]:8443", list: "::1", want: true },
    { name: "an IPv6 address with brackets", url: "https://[::1]:8443", list: "[::1]", want: true },
    {
      name: "a bracketed IPv6 address with the port",
      url: "https://[::1]:8443",
      list: "[::1]:8443",
      want: true,
    },
    {
      name: "a port limits the entry to that port",
      url: "https://ghe.corp:8443",
      list: "ghe.corp:8443",
      want: true,
    },
    { name: "another port does not match", url: "https://ghe.corp:8443", list: "ghe.corp:443", want: false },
    { name: "https's default port is 443", url: "https://ghe.corp", list: "ghe.corp:443", want: true },
    { name: "http's default port is 80", url: "http://localhost/", list: "localhost:80", want: true },
  ])("$name", ({ url, list, want }) => {
    expect(isNoProxyHost(new URL(url), list)).toBe(want);
  });
});

import { describe, expect, it } from "vitest";
import { inspectRemoteUrl, redactUrl } from "./inspect-remote-url.js";

describe("inspectRemoteUrl", () => {
  it.each([
    {
      name: "reads the scp-like form GitHub shows",
      url: "git@github.com:acme/app.git",
      want: { kind: "ssh", form: "scp", user: "git", host: "github.com", path: "acme/app.git" },
    },
    {
      name: "reads the scp-like form without a user",
      url: "github.com:acme/app",
      want: { kind: "ssh", form: "scp", host: "github.com", path: "acme/app" },
    },
    {
      name: "reads the scp-like form with an absolute path",
      url: "git@ghe.acme.com:/acme/app.git",
      want: { kind: "ssh", form: "scp", user: "git", host: "ghe.acme.com", path: "/acme/app.git" },
    },
    {
      name: "reads git's bracketed scp form with a port",
      url: "[git@ghe.acme.com:2222]:acme/app.git",
      want: { kind: "ssh", form: "scp", user: "git", host: "ghe.acme.com", port: 2222, path: "acme/app.git" },
    },
    {
      name: "reads a bracketed IPv6 scp host",
      url: "[::1]:acme/app.git",
      want: { kind: "ssh", form: "scp", host: "::1", path: "acme/app.git" },
    },
    {
      name: "lower-cases the host",
      url: "git@GitHub.COM:Acme/App.git",
      want: { kind: "ssh", host: "github.com", path: "Acme/App.git" },
    },
    {
      name: "reads ssh:// with user",
      url: "ssh://git@github.com/acme/app.git",
      want: { kind: "ssh", form: "url", user: "git", host: "github.com", path: "/acme/app.git" },
    },
    {
      name: "reads ssh:// without user",
      url: "ssh://github.com/acme/app.git",
      want: { kind: "ssh", form: "url", host: "github.com", path: "/acme/app.git" },
    },
    {
      name: "reads ssh:// with a port",
      url: "ssh://git@ghe.acme.com:2222/acme/app.git",
      want: { kind: "ssh", host: "ghe.acme.com", port: 2222, path: "/acme/app.git" },
    },
    {
      name: "reads GitHub's SSH-over-443 endpoint",
      url: "ssh://git@ssh.github.com:443/acme/app.git",
      want: { kind: "ssh", host: "ssh.github.com", port: 443, path: "/acme/app.git" },
    },
    {
      name: "reads git+ssh://",
      url: "git+ssh://git@github.com/acme/app.git",
      want: { kind: "ssh", form: "url", host: "github.com", path: "/acme/app.git" },
    },
    {
      name: "reads ssh+git://",
      url: "ssh+git://git@github.com/acme/app",
      want: { kind: "ssh", form: "url", host: "github.com", path: "/acme/app" },
    },
    {
      name: "reads an IPv6 ssh:// host with a port",
      url: "ssh://git@[::1]:22/acme/app.git",
      want: { kind: "ssh", host: "::1", port: 22, path: "/acme/app.git" },
    },
    {
      name: "keeps a home-relative path",
      url: "ssh://git@github.com/~alice/app.git",
      want: { kind: "ssh", path: "/~alice/app.git" },
    },
    {
      name: "reads https",
      url: "https://github.com/acme/app.git",
      want: { kind: "http", scheme: "https", host: "github.com", path: "/acme/app.git" },
    },
    {
      name: "drops https's default port from the host",
      url: "https://github.com:443/acme/app.git",
      want: { kind: "http", host: "github.com" },
    },
    {
      name: "keeps another port in the host, as git sends it",
      url: "https://ghe.acme.com:8443/acme/app.git",
      want: { kind: "http", host: "ghe.acme.com:8443" },
    },
    {
      name: "reads past a password in an https URL",
      url: "https://alice:secret@github.com/acme/app.git",
      want: { kind: "http", host: "github.com", path: "/acme/app.git" },
    },
    { name: "reads http", url: "http://127.0.0.1:8080/a.git", want: { kind: "http", scheme: "http" } },
    { name: "treats an absolute path as local", url: "/srv/git/app.git", want: { kind: "local" } },
    { name: "treats a relative path as local", url: "../app.git", want: { kind: "local" } },
    { name: "treats a bare name as local", url: "app", want: { kind: "local" } },
    {
      name: "treats a path with a slash before the colon as local",
      url: "./dir:with:colons/app.git",
      want: { kind: "local" },
    },
    { name: "treats file:// as local", url: "file:///srv/git/app.git", want: { kind: "local" } },
    {
      name: "reports git:// as other",
      url: "git://github.com/acme/app.git",
      want: { kind: "other", scheme: "git" },
    },
    {
      name: "reports a remote helper as other",
      url: "persistent-https::https://example.com/app",
      want: { kind: "other", scheme: "persistent-https" },
    },
    {
      name: "refuses a bad port in ssh://",
      url: "ssh://git@host:abc/a.git",
      want: { kind: "other", scheme: "ssh" },
    },
  ])("$name", ({ url, want }) => {
    expect(inspectRemoteUrl(url)).toMatchObject(want);
  });
});

describe("redactUrl", () => {
  it.each([
    {
      name: "masks a password",
      url: "https://alice:ghp_secret@github.com/a/b.git",
      redacted: "https://alice:***@github.com/a/b.git",
    },
    {
      name: "masks a user name that is a token",
      url: "https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/a/b.git",
      redacted: "https://***@github.com/a/b.git",
    },
    {
      name: "leaves a user alone when masking",
      url: "https://alice@github.com/a/b.git",
      redacted: "https://alice@github.com/a/b.git",
    },
    {
      name: "leaves an scp-like URL alone",
      url: "git@github.com:a/b.git",
      redacted: "git@github.com:a/b.git",
    },
  ])("$name", ({ url, redacted }) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

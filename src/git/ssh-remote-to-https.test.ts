import { describe, expect, it } from "vitest";
import { inspectRemoteUrl } from "./inspect-remote-url.js";
import { hostnameOf, sshRemoteToHttps } from "./ssh-remote-to-https.js";

function ssh(url: string) {
  const info = inspectRemoteUrl(url);
  if (info.kind !== "ssh") throw new Error(`${url} is not ssh`);
  return info;
}

describe("sshRemoteToHttps", () => {
  it.each([
    {
      name: "switches the scp-like form, keeping .git",
      url: "git@github.com:acme/app.git",
      hosts: ["github.com"],
      want: { tokenHost: "github.com", httpsUrl: "https://github.com/acme/app.git" },
    },
    {
      name: "does not add .git when the remote has none",
      url: "git@github.com:acme/app",
      hosts: ["github.com"],
      want: { tokenHost: "github.com", httpsUrl: "https://github.com/acme/app" },
    },
    {
      name: "switches ssh:// with and without user",
      url: "ssh://github.com/acme/app.git",
      hosts: ["github.com"],
      want: { tokenHost: "github.com", httpsUrl: "https://github.com/acme/app.git" },
    },
    {
      name: "drops the SSH port, which says nothing about HTTPS",
      url: "ssh://git@ghe.acme.com:2222/acme/app.git",
      hosts: ["ghe.acme.com"],
      want: { tokenHost: "ghe.acme.com", httpsUrl: "https://ghe.acme.com/acme/app.git" },
    },
    {
      name: "maps ssh.github.com:443 to github.com",
      url: "ssh://git@ssh.github.com:443/acme/app.git",
      hosts: ["github.com"],
      want: { tokenHost: "github.com", httpsUrl: "https://github.com/acme/app.git" },
    },
    {
      name: "switches git+ssh:// to a GHES host",
      url: "git+ssh://git@ghe.acme.com/acme/app.git",
      hosts: ["github.com", "ghe.acme.com"],
      want: { tokenHost: "ghe.acme.com", httpsUrl: "https://ghe.acme.com/acme/app.git" },
    },
    {
      name: "keeps the token host's HTTPS port",
      url: "git@ghe.acme.com:acme/app.git",
      hosts: ["ghe.acme.com:8443"],
      want: { tokenHost: "ghe.acme.com:8443", httpsUrl: "https://ghe.acme.com:8443/acme/app.git" },
    },
    {
      name: "strips a leading slash of an scp path",
      url: "git@github.com:/acme/app.git",
      hosts: ["github.com"],
      want: { httpsUrl: "https://github.com/acme/app.git" },
    },
    {
      name: "gives no URL for a home-relative path",
      url: "ssh://git@github.com/~alice/app.git",
      hosts: ["github.com"],
      want: { tokenHost: "github.com", httpsUrl: undefined },
    },
    {
      name: "compares host names without case",
      url: "git@GITHUB.com:acme/app.git",
      hosts: ["GitHub.com"],
      want: { tokenHost: "GitHub.com", httpsUrl: "https://github.com/acme/app.git" },
    },
  ])("$name", ({ url, hosts, want }) => {
    expect(sshRemoteToHttps(ssh(url), hosts)).toMatchObject(want);
  });

  it.each([
    { name: "a host without a token", url: "git@gitlab.com:acme/app.git", hosts: ["github.com"] },
    { name: "no token hosts at all", url: "git@github.com:acme/app.git", hosts: [] },
    {
      name: "a host that only starts like a token host",
      url: "git@github.com.evil:a/b.git",
      hosts: ["github.com"],
    },
  ])("leaves $name alone", ({ url, hosts }) => {
    expect(sshRemoteToHttps(ssh(url), hosts)).toBeUndefined();
  });
});

describe("hostnameOf", () => {
  it.each([
    ["github.com", "github.com"],
    ["ghe.acme.com:8443", "ghe.acme.com"],
    ["[::1]:8443", "::1"],
    ["GitHub.com", "github.com"],
  ])("%s → %s", (host, want) => {
    expect(hostnameOf(host)).toBe(want);
  });
});

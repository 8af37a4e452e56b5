import { describe, expect, it } from "vitest";
import type { ConfigEntry } from "./inspect-config.js";
import { effectivePushUrls, inspectUrlRewrites, rewriteUrl } from "./inspect-url-rewrites.js";

const entry = (key: string, value: string): ConfigEntry => ({
  scope: "global",
  origin: "file:/g",
  key,
  value,
});

const rules = inspectUrlRewrites([
  entry("url.git@github.com:.insteadof", "https://github.com/"),
  entry("url.git@github.com:acme/.insteadof", "https://github.com/acme/"),
  entry("url.ssh://git@ghe.acme.com/.pushinsteadof", "https://ghe.acme.com/"),
  entry("url.https://github.com/.insteadof", "gh:"),
  entry("remote.origin.url", "ignored"),
]);

describe("inspectUrlRewrites", () => {
  it("keeps only url.<base>.insteadOf and pushInsteadOf, in order", () => {
    expect(rules.map(({ kind, base, prefix }) => ({ kind, base, prefix }))).toEqual([
      { kind: "insteadOf", base: "git@github.com:", prefix: "https://github.com/" },
      { kind: "insteadOf", base: "git@github.com:acme/", prefix: "https://github.com/acme/" },
      { kind: "pushInsteadOf", base: "ssh://git@ghe.acme.com/", prefix: "https://ghe.acme.com/" },
      { kind: "insteadOf", base: "https://github.com/", prefix: "gh:" },
    ]);
  });
});

describe("rewriteUrl", () => {
  it.each([
    {
      name: "rewrites with the matching prefix",
      url: "https://github.com/other/app.git",
      want: "git@github.com:other/app.git",
    },
    {
      name: "prefers the longest matching prefix",
      url: "https://github.com/acme/app.git",
      want: "git@github.com:acme/app.git",
    },
    { name: "expands a short alias", url: "gh:acme/app", want: "https://github.com/acme/app" },
    {
      name: "leaves other URLs alone",
      url: "https://gitlab.com/a/b.git",
      want: "https://gitlab.com/a/b.git",
    },
    {
      name: "ignores pushInsteadOf for fetches",
      url: "https://ghe.acme.com/a/b.git",
      want: "https://ghe.acme.com/a/b.git",
    },
  ])("$name", ({ url, want }) => {
    expect(rewriteUrl(url, rules, "insteadOf").url).toBe(want);
  });
});

describe("effectivePushUrls", () => {
  it("applies pushInsteadOf to the url when there is no pushurl", () => {
    expect(effectivePushUrls(["https://ghe.acme.com/a/b.git"], [], rules)).toMatchObject([
      { raw: "https://ghe.acme.com/a/b.git", url: "ssh://git@ghe.acme.com/a/b.git", isPushUrl: false },
    ]);
  });

  it("falls back to insteadOf when no pushInsteadOf matches", () => {
    expect(effectivePushUrls(["https://github.com/a/b.git"], [], rules)).toMatchObject([
      { url: "git@github.com:a/b.git", isPushUrl: false },
    ]);
  });

  it("applies only insteadOf to an explicit pushurl (remote.c alias_all_urls)", () => {
    expect(effectivePushUrls(["x"], ["https://ghe.acme.com/a/b.git"], rules)).toMatchObject([
      { raw: "https://ghe.acme.com/a/b.git", url: "https://ghe.acme.com/a/b.git", isPushUrl: true },
    ]);
  });
});

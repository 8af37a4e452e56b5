import { describe, expect, it } from "vitest";
import type { ConfigEntry } from "./inspect-config.js";
import { helperChain, helperOption, helperUrls, inspectHelper } from "./inspect-helper.js";

describe("inspectHelper", () => {
  it.each([
    { name: "git's plaintext store", value: "store", want: { kind: "store", name: "store", args: [] } },
    {
      name: "the store with its file option",
      value: "store --file ~/.my-credentials",
      want: { kind: "store", args: ["--file", "~/.my-credentials"] },
    },
    {
      name: "the in-memory cache",
      value: "cache --timeout=3600",
      want: { kind: "cache", args: ["--timeout=3600"] },
    },
    { name: "Git Credential Manager", value: "manager", want: { kind: "keychain", name: "manager" } },
    { name: "macOS Keychain", value: "osxkeychain", want: { kind: "keychain" } },
    {
      name: "libsecret",
      value: "/usr/lib/git-core/git-credential-libsecret",
      want: { kind: "keychain", name: "libsecret" },
    },
    { name: "this helper by name", value: "pat", want: { kind: "pat", args: [] } },
    {
      name: "this helper with options",
      value: "pat --store=file --timeout=0",
      want: { kind: "pat", args: ["--store=file", "--timeout=0"] },
    },
    {
      name: "this helper by absolute path",
      value: "/usr/local/bin/git-credential-pat --store=memory",
      want: { kind: "pat", args: ["--store=memory"], path: "/usr/local/bin/git-credential-pat" },
    },
    {
      name: "the Windows binary setup writes, with forward slashes",
      value: "!'C:/Users/Jane Doe/npm/node_modules/@git-credential-pat/win32-x64/bin/git-credential-pat.exe'",
      want: {
        kind: "pat",
        args: [],
        path: "C:/Users/Jane Doe/npm/node_modules/@git-credential-pat/win32-x64/bin/git-credential-pat.exe",
      },
    },
    {
      name: "this helper as node and its script, quoted",
      value: "!'/opt/node 20/bin/node' /x/dist/cli.cjs --socket=/tmp/s",
      self: ["/x/dist/cli.cjs"],
      want: { kind: "pat", args: ["--socket=/tmp/s"] },
    },
    {
      name: "the npm package's entry",
      value: "/usr/bin/node /usr/lib/node_modules/git-credential-pat/dist/cli.cjs",
      want: { kind: "pat", path: "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs" },
    },
    { name: "git credential-X through the shell", value: "!git credential-store", want: { kind: "store" } },
    {
      name: "gh's helper",
      value: "!/usr/bin/gh auth git-credential",
      want: { kind: "other", name: "/usr/bin/gh auth git-credential" },
    },
    { name: "an unknown helper by name", value: "oauth", want: { kind: "other", name: "oauth" } },
  ])("recognises $name", ({ value, self, want }) => {
    expect(inspectHelper(value, self)).toMatchObject(want);
  });
});

describe("helperOption", () => {
  it.each([
    { args: ["--store=file"], want: "file" },
    { args: ["--store", "memory"], want: "memory" },
    { args: ["--timeout=0"], want: undefined },
    { args: ["--store=file", "--store=memory"], want: "memory" },
    { args: ["--", "--store=file"], want: undefined },
  ])("finds --store in $args", ({ args, want }) => {
    expect(helperOption(args, "store")).toBe(want);
  });
});

const entry = (key: string, value: string | undefined, scope = "global"): ConfigEntry => ({
  scope,
  origin: `file:/${scope}`,
  key,
  value,
});

describe("helperChain", () => {
  it.each([
    {
      name: "appends every matching helper in config order",
      entries: [entry("credential.helper", "cache"), entry("credential.https://github.com.helper", "pat")],
      matching: ["https://github.com"],
      want: ["cache", "pat"],
    },
    {
      name: "an empty value clears the helpers before it",
      entries: [
        entry("credential.helper", "store", "system"),
        entry("credential.https://github.com.helper", ""),
        entry("credential.https://github.com.helper", "pat"),
      ],
      matching: ["https://github.com"],
      want: ["pat"],
    },
    {
      name: "a helper for a URL that does not match is not asked",
      entries: [entry("credential.helper", "pat"), entry("credential.https://gitlab.com.helper", "store")],
      matching: [],
      want: ["pat"],
    },
    {
      name: "a later general helper still joins after a per-URL reset (no most-specific-wins)",
      entries: [
        entry("credential.https://github.com.helper", ""),
        entry("credential.https://github.com.helper", "pat"),
        entry("credential.helper", "cache", "local"),
      ],
      matching: ["https://github.com"],
      want: ["pat", "cache"],
    },
    {
      name: "skips a bare helper line and other credential keys",
      entries: [
        entry("credential.helper", undefined),
        entry("credential.usehttppath", "true"),
        entry("credential.helper", "pat"),
      ],
      matching: [],
      want: ["pat"],
    },
  ])("$name", ({ entries, matching, want }) => {
    expect(helperChain(entries, new Set(matching)).map((link) => link.value)).toEqual(want);
  });

  it("lists each per-URL subsection once", () => {
    expect(
      helperUrls([
        entry("credential.https://github.com.helper", ""),
        entry("credential.https://github.com.helper", "pat"),
        entry("credential.helper", "cache"),
        entry("credential.https://*.acme.com.helper", "store"),
      ]),
    ).toEqual(["https://github.com", "https://*.acme.com"]);
  });
});

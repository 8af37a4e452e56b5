import { describe, expect, it } from "vitest";
import { Secret } from "../secret.js";
import type { Credential } from "./credential.js";
import { matchCredential } from "./match-credential.js";

const alice: Credential = {
  protocol: "https",
  host: "github.com",
  path: "acme/app.git",
  username: "alice",
  password: new Secret("tok-alice-current"),
  passwordExpiresAtMs: 1_700_000_000_000,
};

const noPath: Credential = { protocol: "https", host: "github.com", username: "alice" };
const emptyUser: Credential = { protocol: "https", host: "github.com", username: "" };
const noUser: Credential = { protocol: "https", host: "github.com" };
const noPassword: Credential = { protocol: "https", host: "github.com", username: "alice" };

describe("matchCredential", () => {
  const cases: Array<{
    name: string;
    input: { pattern: Credential; entry: Credential; matchPassword?: boolean };
    want: boolean;
  }> = [
    { name: "a pattern with no fields matches anything", input: { pattern: {}, entry: alice }, want: true },
    {
      name: "a pattern with no fields matches an empty entry",
      input: { pattern: {}, entry: {} },
      want: true,
    },
    {
      name: "matches on protocol and host",
      input: { pattern: { protocol: "https", host: "github.com" }, entry: alice },
      want: true,
    },
    {
      name: "does not match another host",
      input: { pattern: { protocol: "https", host: "gitlab.com" }, entry: alice },
      want: false,
    },
    {
      name: "compares hosts exactly, case included",
      input: { pattern: { protocol: "https", host: "GitHub.com" }, entry: alice },
      want: false,
    },
    {
      name: "a host with a port is not the host without it",
      input: { pattern: { protocol: "https", host: "github.com:443" }, entry: alice },
      want: false,
    },
    {
      name: "does not match another protocol",
      input: { pattern: { protocol: "http", host: "github.com" }, entry: alice },
      want: false,
    },
    {
      name: "a pattern field does not match an entry without that field",
      input: { pattern: { protocol: "https" }, entry: { host: "github.com" } },
      want: false,
    },
    {
      name: "a pattern without path matches an entry with a path",
      input: { pattern: noPath, entry: alice },
      want: true,
    },
    {
      name: "a pattern path matches the same path",
      input: { pattern: { host: "github.com", path: "acme/app.git" }, entry: alice },
      want: true,
    },
    {
      name: "a pattern path does not match another path",
      input: { pattern: { host: "github.com", path: "acme/other.git" }, entry: alice },
      want: false,
    },
    {
      name: "a pattern path does not match an entry without a path",
      input: { pattern: { host: "github.com", path: "acme/app.git" }, entry: noPath },
      want: false,
    },
    {
      name: "a pattern without username matches any username",
      input: { pattern: noUser, entry: alice },
      want: true,
    },
    {
      name: "a pattern without username matches an empty username",
      input: { pattern: noUser, entry: emptyUser },
      want: true,
    },
    {
      name: "an empty-string username does not match another username",
      input: { pattern: emptyUser, entry: alice },
      want: false,
    },
    {
      name: "an empty-string username matches an empty username",
      input: { pattern: emptyUser, entry: { ...emptyUser, password: new Secret("tok-empty-user") } },
      want: true,
    },
    {
      name: "an empty-string username does not match an entry without username",
      input: { pattern: emptyUser, entry: noUser },
      want: false,
    },
    {
      name: "a username does not match another username",
      input: { pattern: { ...noUser, username: "bob" }, entry: alice },
      want: false,
    },
    {
      name: "ignores the password by default",
      input: { pattern: { ...noPath, password: new Secret("tok-alice-stale") }, entry: alice },
      want: true,
    },
    {
      name: "ignores the expiry",
      input: { pattern: { ...noPath, passwordExpiresAtMs: 1 }, entry: alice, matchPassword: true },
      want: true,
    },
    {
      name: "does not erase a password distinct from input",
      input: {
        pattern: { ...noPath, password: new Secret("tok-alice-stale") },
        entry: alice,
        matchPassword: true,
      },
      want: false,
    },
    {
      name: "with matchPassword, an equal password in another Secret matches",
      input: {
        pattern: { ...noPath, password: new Secret("tok-alice-current") },
        entry: alice,
        matchPassword: true,
      },
      want: true,
    },
    {
      name: "with matchPassword, a pattern without password matches any password",
      input: { pattern: noPath, entry: alice, matchPassword: true },
      want: true,
    },
    {
      name: "with matchPassword, a pattern password does not match an entry without one",
      input: {
        pattern: { ...noPath, password: new Secret("tok-alice-current") },
        entry: noPassword,
        matchPassword: true,
      },
      want: false,
    },
    {
      name: "with matchPassword, an empty password matches only an empty password",
      input: { pattern: { ...noPath, password: new Secret("") }, entry: alice, matchPassword: true },
      want: false,
    },
    {
      name: "with matchPassword false, a different password still matches",
      input: {
        pattern: { ...noPath, password: new Secret("tok-alice-stale") },
        entry: alice,
        matchPassword: false,
      },
      want: true,
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    const { pattern, entry, matchPassword } = input;
    const got =
      matchPassword === undefined
        ? matchCredential(pattern, entry)
        : matchCredential(pattern, entry, { matchPassword });
    expect(got).toBe(want);
  });
});

describe("matchCredential options", () => {
  const hostWide: Credential = { protocol: "https", host: "github.com", username: "alice" };
  it.each<{ name: string; pattern: Credential; entry: Credential; options: object; want: boolean }>([
    {
      name: "exactPath: a pattern without path does not match an entry with a path",
      pattern: hostWide,
      entry: alice,
      options: { exactPath: true },
      want: false,
    },
    {
      name: "exactPath: a pattern without path matches a host-wide entry",
      pattern: hostWide,
      entry: noPath,
      options: { exactPath: true },
      want: true,
    },
    {
      name: "exactPath: a pattern path still matches the same path",
      pattern: { ...hostWide, path: "acme/app.git" },
      entry: alice,
      options: { exactPath: true },
      want: true,
    },
    {
      name: "liveAtMs: an entry whose password expired by then does not match",
      pattern: hostWide,
      entry: { ...noPath, passwordExpiresAtMs: 1_000 },
      options: { liveAtMs: 1_000 },
      want: false,
    },
    {
      name: "liveAtMs: an entry whose password is still good matches",
      pattern: hostWide,
      entry: { ...noPath, passwordExpiresAtMs: 1_001 },
      options: { liveAtMs: 1_000 },
      want: true,
    },
    {
      name: "liveAtMs: an entry with no known expiry matches",
      pattern: hostWide,
      entry: noPath,
      options: { liveAtMs: 1_000 },
      want: true,
    },
    {
      name: "matchPassword also compares git 2.46's credential",
      pattern: { ...noUser, authCredential: new Secret("tok-auth-other") },
      entry: { ...noUser, authCredential: new Secret("tok-auth") },
      options: { matchPassword: true },
      want: false,
    },
    {
      name: "matchPassword: an equal credential matches",
      pattern: { ...noUser, authCredential: new Secret("tok-auth") },
      entry: { ...noUser, authCredential: new Secret("tok-auth") },
      options: { matchPassword: true },
      want: true,
    },
    {
      name: "matchPassword: a pattern credential does not match an entry without one",
      pattern: { ...noUser, authCredential: new Secret("tok-auth") },
      entry: alice,
      options: { matchPassword: true },
      want: false,
    },
  ])("$name", ({ pattern, entry, options, want }) => {
    expect(matchCredential(pattern, entry, options)).toBe(want);
  });
});

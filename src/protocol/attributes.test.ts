import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { Secret } from "../secret.js";
import {
  attributeOf,
  type Credential,
  type Keeper,
  keepFor,
  keptExtras,
  keptFields,
  slotOf,
  wireKeyOf,
  withKnownExtras,
} from "./attributes.js";
import { hasAuthtypeCapability } from "./credential.js";

const full: Credential = {
  authtype: "Bearer",
  authCredential: new Secret(CANARY.fineGrained),
  isEphemeral: true,
  protocol: "https",
  host: "github.com",
  path: "acme/app.git",
  username: "alice",
  password: new Secret(CANARY.classic),
  oauthRefreshToken: new Secret("refresh-1"),
  passwordExpiresAtMs: 1_700_000_000_000,
};

describe("the attribute table", () => {
  // What each store keeps is the product's promise (docs/protocol.md): pinned here, not derived.
  it.each<{ keeper: Keeper; want: string[] }>([
    {
      keeper: "file",
      want: ["protocol", "host", "path", "username", "password", "passwordExpiresAtMs"],
    },
    {
      keeper: "keychain",
      want: ["protocol", "host", "path", "username", "password", "oauthRefreshToken", "passwordExpiresAtMs"],
    },
    {
      keeper: "memory",
      want: [
        "authtype",
        "authCredential",
        "protocol",
        "host",
        "path",
        "username",
        "password",
        "oauthRefreshToken",
        "passwordExpiresAtMs",
      ],
    },
  ])("the $keeper store keeps $want", ({ keeper, want }) => {
    expect(keptFields(keeper)).toStrictEqual(want);
    expect(Object.keys(keepFor(keeper, full))).toStrictEqual(want);
  });

  it.each<{ keeper: Keeper; want: string[] }>([
    { keeper: "file", want: ["passwordExpiresAtMs"] },
    { keeper: "keychain", want: ["oauthRefreshToken", "passwordExpiresAtMs"] },
    {
      keeper: "memory",
      want: ["authtype", "authCredential", "oauthRefreshToken", "passwordExpiresAtMs"],
    },
  ])("beyond the slot and the password, the $keeper store keeps $want", ({ keeper, want }) => {
    expect(keptExtras(keeper)).toStrictEqual(want);
  });

  it("keeps only the fields a credential has", () => {
    expect(keepFor("file", { protocol: "https", host: "github.com", authtype: "Bearer" })).toStrictEqual({
      protocol: "https",
      host: "github.com",
    });
  });

  it("never keeps an ephemeral flag anywhere", () => {
    for (const keeper of ["file", "keychain", "memory"] as const)
      expect(keepFor(keeper, full).isEphemeral).toBe(undefined);
  });

  it("a slot is protocol, host, path and username, nothing else", () => {
    expect(slotOf(full)).toStrictEqual({
      protocol: "https",
      host: "github.com",
      path: "acme/app.git",
      username: "alice",
    });
    expect(slotOf({ host: "github.com", username: "" })).toStrictEqual({ host: "github.com", username: "" });
  });

  it.each([
    { field: "passwordExpiresAtMs", want: "password_expiry_utc" },
    { field: "authCredential", want: "credential" },
    { field: "oauthRefreshToken", want: "oauth_refresh_token" },
    { field: "isEphemeral", want: "ephemeral" },
    { field: "username", want: "username" },
  ] as const)("names $field $want on the wire", ({ field, want }) => {
    expect(wireKeyOf(field)).toBe(want);
  });

  const stored: Credential = {
    protocol: "https",
    host: "github.com",
    username: "alice",
    password: new Secret("tok-1"),
  };
  it.each<{ name: string; known: Credential | undefined; want: number | undefined }>([
    {
      name: "fills in the expiry known for the same token",
      known: { ...stored, passwordExpiresAtMs: 5_000 },
      want: 5_000,
    },
    {
      name: "not from another token in the same slot",
      known: { ...stored, password: new Secret("tok-2"), passwordExpiresAtMs: 5_000 },
      want: undefined,
    },
    {
      name: "not from the same token in another slot",
      known: { ...stored, path: "acme/a.git", passwordExpiresAtMs: 5_000 },
      want: undefined,
    },
    {
      name: "not from an entry without a password",
      known: { ...stored, password: undefined },
      want: undefined,
    },
    { name: "not from nothing known", known: undefined, want: undefined },
  ])("withKnownExtras $name", ({ known, want }) => {
    expect(withKnownExtras("file", stored, known).passwordExpiresAtMs).toBe(want);
  });

  it("withKnownExtras never overrides what the store hands over, and adds only what the keeper keeps", () => {
    const known = { ...stored, passwordExpiresAtMs: 5_000, oauthRefreshToken: new Secret("refresh-1") };
    const merged = withKnownExtras("file", { ...stored, passwordExpiresAtMs: 9_000 }, known);
    expect(merged.passwordExpiresAtMs).toBe(9_000);
    expect(merged.oauthRefreshToken).toBeUndefined();
  });

  it("has no attribute for a field it does not know", () => {
    expect(() => attributeOf("nothing" as never)).toThrow("no attribute nothing");
  });

  it.each<{ name: string; lists: Record<string, string[]>; want: boolean }>([
    { name: "announced", lists: { capability: ["state", "authtype"] }, want: true },
    { name: "another capability only", lists: { capability: ["state"] }, want: false },
    { name: "no capability list", lists: {}, want: false },
  ])("hasAuthtypeCapability: $name", ({ lists, want }) => {
    expect(hasAuthtypeCapability({ lists })).toBe(want);
  });
});

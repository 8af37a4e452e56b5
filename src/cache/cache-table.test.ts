import { describe, expect, it } from "vitest";
import type { Credential } from "../protocol/index.js";
import { Secret } from "../secret.js";
import { type CachedCredential, CacheTable } from "./cache-table.js";

const T0 = 1_000_000;
const cred = (over: Partial<CachedCredential> = {}): CachedCredential => ({
  protocol: "https",
  host: "github.com",
  username: "alice",
  password: new Secret("tok-a"),
  ...over,
});
const passwordOf = (found: Credential | undefined) => found?.password?.reveal();

describe("CacheTable", () => {
  it("serves an entry until its timeout and not a millisecond after", () => {
    const table = new CacheTable();
    table.put(cred(), 900_000, T0);
    expect(passwordOf(table.get({ protocol: "https", host: "github.com" }, T0 + 899_999))).toBe("tok-a");
    expect(table.get({ protocol: "https", host: "github.com" }, T0 + 900_000)).toBeUndefined();
  });

  it("never keeps a token past its own expiry", () => {
    const table = new CacheTable();
    table.put(cred({ passwordExpiresAtMs: T0 + 60_000 }), 900_000, T0);
    expect(table.sweep(T0)).toBe(60_000);
    expect(table.get({ protocol: "https", host: "github.com" }, T0 + 60_000)).toBeUndefined();
  });

  it("does not cache an already expired token", () => {
    const table = new CacheTable();
    table.put(cred({ passwordExpiresAtMs: T0 - 1 }), 900_000, T0);
    expect(table.size).toBe(0);
  });

  it("replaces the same slot and keeps other users apart", () => {
    const table = new CacheTable();
    table.put(cred(), 1000, T0);
    table.put(cred({ username: "bob", password: new Secret("tok-b") }), 1000, T0);
    table.put(cred({ password: new Secret("tok-a2") }), 1000, T0);
    expect(table.size).toBe(2);
    expect(passwordOf(table.get({ username: "alice" }, T0))).toBe("tok-a2");
    expect(passwordOf(table.get({ username: "bob" }, T0))).toBe("tok-b");
  });

  it("refreshes the deadline when stored again", () => {
    const table = new CacheTable();
    table.put(cred(), 1000, T0);
    table.put(cred(), 1000, T0 + 900);
    expect(passwordOf(table.get({}, T0 + 1500))).toBe("tok-a");
  });

  it("erases only a matching password when one is given", () => {
    const table = new CacheTable();
    table.put(cred(), 1000, T0);
    expect(table.erase({ host: "github.com", password: new Secret("old") }, T0)).toBe(0);
    expect(table.erase({ host: "github.com", password: new Secret("tok-a") }, T0)).toBe(1);
    expect(table.size).toBe(0);
  });

  it.each([
    { name: "an empty table asks for no wake-up", puts: [], now: T0, want: 0 },
    { name: "wakes at the earliest deadline", puts: [5000, 2000, 9000], now: T0 + 500, want: 1500 },
    { name: "an all-expired table is empty", puts: [1000], now: T0 + 1000, want: 0 },
  ])("sweep: $name", ({ puts, now, want }) => {
    const table = new CacheTable();
    puts.forEach((ttl, i) => {
      table.put(cred({ username: `u${i}` }), ttl, T0);
    });
    expect(table.sweep(now)).toBe(want);
  });
});

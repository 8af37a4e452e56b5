import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { MemoryKeyring } from "../../test/helpers/test-deps.js";
import { Secret } from "../secret.js";
import {
  KEYCHAIN_SERVICE,
  KeyringTokenStore,
  keychainAccount,
  parseKeychainAccount,
} from "./keyring-store.js";

function setup() {
  const keyring = new MemoryKeyring();
  const warnings: string[] = [];
  const store = new KeyringTokenStore({
    keyring: async () => keyring,
    warn: (message) => warnings.push(message),
  });
  return { keyring, warnings, store };
}

describe("keychain account names", () => {
  it.each([
    {
      name: "host only",
      cred: { protocol: "https", host: "github.com", username: "alice" },
      want: "https://alice@github.com",
    },
    {
      name: "port and path",
      cred: { protocol: "https", host: "ghe.acme.com:8443", username: "a b", path: "acme/app.git" },
      want: "https://a%20b@ghe.acme.com:8443/acme/app.git",
    },
    {
      name: "an empty username",
      cred: { protocol: "https", host: "github.com", username: "" },
      want: "https://@github.com",
    },
  ])("names $name so a person can find it, and reads it back", ({ cred, want }) => {
    const account = keychainAccount({ ...cred, password: new Secret(CANARY.classic) });
    expect(account).toBe(want);
    expect(account).not.toContain(CANARY.classic);
    expect(parseKeychainAccount(account)).toEqual(cred);
  });

  it.each(["not a url", "https://github.com", "https://alice:secret@github.com", "ftp://@"])(
    "does not take %j for one of ours",
    (account) => {
      expect(parseKeychainAccount(account)).toBeUndefined();
    },
  );
});

describe("KeyringTokenStore with foreign items", () => {
  it("ignores an item that is not ours with a warning and never touches it", async () => {
    const { keyring, warnings, store } = setup();
    await keyring.set(KEYCHAIN_SERVICE, "someone else's entry", "their-secret");
    await store.store({
      protocol: "https",
      host: "github.com",
      username: "alice",
      password: new Secret(CANARY.classic),
    });
    expect(await store.erase({ protocol: "https", host: "github.com" })).toBe(1);
    expect(keyring.services.get(KEYCHAIN_SERVICE)?.get("someone else's entry")).toBe("their-secret");
    expect(warnings[0]).toBe(
      `ignoring keychain item "someone else's entry" (service git-credential-pat): not a credential of ours`,
    );
    expect(warnings.join("\n")).not.toContain("their-secret");
  });

  it("ignores an item whose secret would break git's protocol", async () => {
    const { keyring, warnings, store } = setup();
    await keyring.set(KEYCHAIN_SERVICE, "https://alice@github.com", "two\nlines");
    expect(await store.get({ protocol: "https", host: "github.com" })).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it("keeps password_expiry_utc and oauth_refresh_token after the password, as git's libsecret helper does", async () => {
    const { keyring, store } = setup();
    await store.store({
      protocol: "https",
      host: "github.com",
      username: "alice",
      password: new Secret(CANARY.classic),
      passwordExpiresAtMs: 1_700_000_000_000,
      oauthRefreshToken: new Secret("refresh-1"),
      authtype: "Bearer",
    });
    expect(keyring.services.get(KEYCHAIN_SERVICE)?.get("https://alice@github.com")).toBe(
      `${CANARY.classic}\noauth_refresh_token=refresh-1\npassword_expiry_utc=1700000000`,
    );
    const found = await store.get({ protocol: "https", host: "github.com" });
    expect(found?.password.reveal()).toBe(CANARY.classic);
    expect(found?.oauthRefreshToken?.reveal()).toBe("refresh-1");
    expect(found?.passwordExpiresAtMs).toBe(1_700_000_000_000);
    expect(found?.authtype).toBeUndefined();
  });

  it("reads an item that holds the password alone, as every item did before attributes were kept", async () => {
    const { keyring, store } = setup();
    await keyring.set(KEYCHAIN_SERVICE, "https://alice@github.com", CANARY.classic);
    const found = await store.get({ protocol: "https", host: "github.com" });
    expect(found?.password.reveal()).toBe(CANARY.classic);
    expect(found?.passwordExpiresAtMs).toBeUndefined();
  });

  it.each([
    { name: "a CR in the password", secret: `${CANARY.classic}\r` },
    { name: "a CR in an attribute", secret: `${CANARY.classic}\npassword_expiry_utc=1\r` },
    { name: "a line that is not key=value", secret: `${CANARY.classic}\nnot an attribute` },
    { name: "a NUL", secret: `${CANARY.classic}\0` },
  ])("ignores an item whose secret holds $name", async ({ secret }) => {
    const { keyring, warnings, store } = setup();
    await keyring.set(KEYCHAIN_SERVICE, "https://alice@github.com", secret);
    expect(await store.get({ protocol: "https", host: "github.com" })).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it("rewrites the item when only the expiry changed", async () => {
    const { keyring, store } = setup();
    const credential = {
      protocol: "https",
      host: "github.com",
      username: "alice",
      password: new Secret(CANARY.classic),
      passwordExpiresAtMs: 1_700_000_000_000,
    };
    await store.store(credential);
    await store.store({ ...credential, passwordExpiresAtMs: 1_800_000_000_000 });
    expect((await store.get({ protocol: "https", host: "github.com" }))?.passwordExpiresAtMs).toBe(
      1_800_000_000_000,
    );
    expect(keyring.services.get(KEYCHAIN_SERVICE)?.size).toBe(1);
  });

  it("does not rewrite an item that already holds the token", async () => {
    const { keyring, store } = setup();
    const credential = {
      protocol: "https",
      host: "github.com",
      username: "alice",
      password: new Secret(CANARY.classic),
    };
    await store.store(credential);
    let writes = 0;
    const set = keyring.set.bind(keyring);
    keyring.set = async (...args) => {
      writes++;
      return set(...args);
    };
    await store.store(credential);
    expect(writes).toBe(0);
  });

  it("says which choices there are when the keychain is unavailable", async () => {
    const { keyring, store } = setup();
    keyring.unavailable = true;
    await expect(store.get({ protocol: "https", host: "github.com" })).rejects.toMatchObject({ exitCode: 5 });
  });
});

// Another git process may store or erase between the moment a store or erase starts and the
// moment it holds the keychain lock. What it then removes must be what a serial run removes:
// decided from the items as they are under the lock, not as they were when it started.
describe("KeyringTokenStore with other writers", () => {
  const alice = (path: string | undefined, token: string) => ({
    protocol: "https",
    host: "github.com",
    username: "alice",
    ...(path === undefined ? {} : { path }),
    password: new Secret(token),
  });

  /** A store whose lock is taken only after `meanwhile` ran, as if another process held it then. */
  function setupWithWriters(meanwhile: (other: KeyringTokenStore) => Promise<void>) {
    const keyring = new MemoryKeyring();
    const other = new KeyringTokenStore({ keyring: async () => keyring, warn: () => {} });
    let pending: (() => Promise<void>) | undefined = () => meanwhile(other);
    const store = new KeyringTokenStore({
      keyring: async () => keyring,
      warn: () => {},
      exclusive: async (run) => {
        const writers = pending;
        pending = undefined;
        await writers?.();
        return run();
      },
    });
    const accounts = () => [...(keyring.services.get(KEYCHAIN_SERVICE)?.entries() ?? [])];
    return { keyring, other, store, accounts };
  }

  it("a store without a path removes the path entries stored before it held the lock, not only older ones", async () => {
    const { other, store, accounts } = setupWithWriters(async (writer) => {
      await writer.store(alice("acme/y.git", "tok-y-1"));
      await writer.store(alice("acme/x.git", "tok-x-2"));
    });
    await other.store(alice("acme/x.git", "tok-x-1"));
    await store.store(alice(undefined, "tok-all-1"));
    // Serially the store came last (it deleted tok-x-2), so tok-y-1, stored before that, goes too.
    expect(accounts()).toEqual([["https://alice@github.com", "tok-all-1"]]);
  });

  it("a store leaves one item for its slot when another spelling of it appeared after the store began", async () => {
    const { store, keyring, accounts } = setupWithWriters(async () => {
      await keyring.set(KEYCHAIN_SERVICE, "https://%61lice@github.com", "tok-old-spelling");
    });
    await store.store(alice(undefined, "tok-new"));
    expect(accounts()).toEqual([["https://alice@github.com", "tok-new"]]);
    expect((await store.get({ protocol: "https", host: "github.com" }))?.password.reveal()).toBe("tok-new");
  });

  it("an erase removes what matches when it holds the lock, not only what matched when it began", async () => {
    const { other, store, accounts } = setupWithWriters(async (writer) => {
      await writer.store(alice("acme/y.git", "tok-y-1"));
      await writer.store(alice("acme/x.git", "tok-x-2"));
    });
    await other.store(alice("acme/x.git", "tok-x-1"));
    expect(await store.erase({ protocol: "https", host: "github.com" })).toBe(2);
    expect(accounts()).toEqual([]);
  });

  it("an erase with a password keeps a newer token stored after it began", async () => {
    const { other, store, accounts } = setupWithWriters(async (writer) => {
      await writer.store(alice(undefined, "tok-2"));
    });
    await other.store(alice(undefined, "tok-1"));
    expect(await store.erase({ protocol: "https", host: "github.com", password: new Secret("tok-1") })).toBe(
      0,
    );
    expect(accounts()).toEqual([["https://alice@github.com", "tok-2"]]);
  });
});

describe("KeyringTokenStore keychain calls", () => {
  function setupCounting() {
    const keyring = new MemoryKeyring();
    const calls: string[] = [];
    const counted = new Proxy(keyring, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    let locks = 0;
    const store = new KeyringTokenStore({
      keyring: async () => counted,
      warn: () => {},
      exclusive: (run) => {
        locks++;
        return run();
      },
    });
    return { calls, store, locks: () => locks };
  }
  const credential = (token: string) => ({
    protocol: "https",
    host: "github.com",
    username: "alice",
    password: new Secret(token),
  });

  it.each([
    { name: "a get lists once and takes no lock", act: "get", want: ["findAll"], wantLocks: 0 },
    { name: "a repeated store lists once and writes nothing", act: "same", want: ["findAll"], wantLocks: 1 },
    { name: "a new token is listed and written", act: "new", want: ["findAll", "set"], wantLocks: 1 },
    {
      name: "an erase with a password lists once and deletes",
      act: "erase",
      want: ["findAll", "delete"],
      wantLocks: 1,
    },
  ])("$name", async ({ act, want, wantLocks }) => {
    const { calls, store, locks } = setupCounting();
    await store.store(credential(CANARY.classic));
    calls.length = 0;
    const before = locks();
    if (act === "get") await store.get({ protocol: "https", host: "github.com" });
    if (act === "same") await store.store(credential(CANARY.classic));
    if (act === "new") await store.store(credential(CANARY.fineGrained));
    if (act === "erase") {
      await store.erase({ protocol: "https", host: "github.com", password: new Secret(CANARY.classic) });
    }
    expect(calls).toEqual(want);
    expect(locks() - before).toBe(wantLocks);
  });
});

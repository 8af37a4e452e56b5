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

// The one place store semantics are spelled out; every TokenStore runs this suite.
// Hosts carry a per-run suffix so a shared backend (the real keychain) can run it beside other tests.
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keptExtras } from "../../src/protocol/index.js";
import { Secret } from "../../src/secret.js";
import type { StoredCredential, TokenStore } from "../../src/stores/token-store.js";

export interface ContractSubject {
  store: TokenStore;
  /** Optional: remove anything the test left (shared backends). */
  cleanup?: () => Promise<void>;
}

export function runTokenStoreContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`TokenStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let suffix: string;
    const host = (label: string) => `${label}.${suffix}.test`;
    const cred = (
      over: Partial<Omit<StoredCredential, "password">> & { password?: Secret | string },
    ): StoredCredential => {
      const { password, ...rest } = over;
      return {
        protocol: "https",
        host: host("github"),
        username: "alice",
        ...rest,
        password: password instanceof Secret ? password : new Secret(password ?? "token-alice-1"),
      };
    };
    const ours = async () =>
      (await subject.store.list()).filter((entry) => entry.host.includes(`.${suffix}.`)).map(reveal);
    const get = async (pattern: Partial<StoredCredential>) => {
      const found = await subject.store.get(pattern);
      return found && reveal(found);
    };

    beforeEach(async () => {
      suffix = randomBytes(4).toString("hex");
      subject = await make();
    });
    afterEach(async () => {
      for (const entry of await subject.store.list()) {
        if (entry.host.includes(`.${suffix}.`))
          await subject.store.erase({ protocol: entry.protocol, host: entry.host });
      }
      await subject.cleanup?.();
    });

    it("finds nothing in an empty store", async () => {
      expect(await get({ protocol: "https", host: host("github") })).toBeUndefined();
      expect(await ours()).toEqual([]);
    });

    it("returns a stored credential for its protocol and host", async () => {
      await subject.store.store(cred({}));
      expect(await get({ protocol: "https", host: host("github") })).toEqual({
        protocol: "https",
        host: host("github"),
        username: "alice",
        password: "token-alice-1",
      });
    });

    it.each([
      { name: "another host", pattern: { protocol: "https", host: "other.example" } },
      { name: "another protocol", pattern: { protocol: "http" } },
      { name: "another port", pattern: { host: "PORT" } },
      { name: "another username", pattern: { username: "bob" } },
      { name: "a path when none was stored", pattern: { path: "acme/app.git" } },
    ])("does not match $name", async ({ pattern }) => {
      await subject.store.store(cred({}));
      const request = { protocol: "https", host: host("github"), ...pattern };
      if (request.host === "PORT") request.host = `${host("github")}:8443`;
      expect(await get(request)).toBeUndefined();
    });

    it("keeps several usernames on one host apart", async () => {
      await subject.store.store(cred({ username: "alice", password: "token-alice-1" }));
      await subject.store.store(cred({ username: "bob", password: "token-bob-1" }));
      expect((await get({ protocol: "https", host: host("github"), username: "alice" }))?.password).toBe(
        "token-alice-1",
      );
      expect((await get({ protocol: "https", host: host("github"), username: "bob" }))?.password).toBe(
        "token-bob-1",
      );
      // Without a username any of them may answer; which one is resolve/'s business (default account).
      expect(["token-alice-1", "token-bob-1"]).toContain(
        (await get({ protocol: "https", host: host("github") }))?.password,
      );
      expect(await ours()).toHaveLength(2);
    });

    it("replaces the token when the same slot is stored again", async () => {
      await subject.store.store(cred({ password: "token-alice-1" }));
      await subject.store.store(cred({ password: "token-alice-2" }));
      expect((await get({ protocol: "https", host: host("github") }))?.password).toBe("token-alice-2");
      expect(await ours()).toHaveLength(1);
    });

    it("storing an identical credential again changes nothing", async () => {
      await subject.store.store(cred({}));
      await subject.store.store(cred({}));
      expect(await ours()).toHaveLength(1);
    });

    it("round-trips an empty username as a value, not as absent", async () => {
      await subject.store.store(cred({ username: "" }));
      expect((await get({ protocol: "https", host: host("github"), username: "" }))?.username).toBe("");
      expect((await get({ protocol: "https", host: host("github") }))?.username).toBe("");
      expect(await get({ protocol: "https", host: host("github"), username: "alice" })).toBeUndefined();
    });

    it("round-trips usernames and tokens with URL-special and non-ASCII characters", async () => {
      const odd = cred({ username: "a@b:c/d %e", password: "p@ss:w/rd %25 ü €" });
      await subject.store.store(odd);
      expect((await get({ protocol: "https", host: host("github"), username: "a@b:c/d %e" }))?.password).toBe(
        "p@ss:w/rd %25 ü €",
      );
    });

    it("matches a stored path only when the request carries the same path or none", async () => {
      await subject.store.store(cred({ path: "acme/app.git", password: "token-acme" }));
      expect((await get({ protocol: "https", host: host("github"), path: "acme/app.git" }))?.password).toBe(
        "token-acme",
      );
      expect((await get({ protocol: "https", host: host("github") }))?.password).toBe("token-acme");
      expect(await get({ protocol: "https", host: host("github"), path: "other/app.git" })).toBeUndefined();
    });

    it("with exactPath, a pattern without a path finds only a host-wide entry", async () => {
      await subject.store.store(cred({ path: "acme/app.git", password: "token-acme" }));
      const hostWide = { protocol: "https", host: host("github"), username: "alice" };
      expect(await subject.store.get(hostWide, { exactPath: true })).toBeUndefined();
      // A host-wide store replaces the user's path entries too (git's store_credential), so first.
      await subject.store.erase({ protocol: "https", host: host("github") });
      await subject.store.store(cred({ password: "token-host-wide" }));
      await subject.store.store(cred({ path: "acme/app.git", password: "token-acme" }));
      expect((await subject.store.get(hostWide, { exactPath: true }))?.password.reveal()).toBe(
        "token-host-wide",
      );
      expect(
        (
          await subject.store.get({ ...hostWide, path: "acme/app.git" }, { exactPath: true })
        )?.password.reveal(),
      ).toBe("token-acme");
    });

    it.each([
      {
        name: "storing a credential without a path replaces the user's entries for every path (git's store_credential)",
        options: undefined,
        want: ["token-host-wide"],
      },
      {
        name: "with exactSlot, storing a credential without a path keeps the user's entries for paths",
        options: { exactSlot: true },
        want: ["token-host-wide", "token-acme"],
      },
    ])("$name", async ({ options, want }) => {
      await subject.store.store(cred({ path: "acme/app.git", password: "token-acme" }));
      await subject.store.store(cred({ username: "bob", path: "acme/app.git", password: "token-bob" }));
      await subject.store.store(cred({ password: "token-host-wide" }), options);
      const alice = (await ours()).filter((entry) => entry.username === "alice");
      expect(alice.map((entry) => entry.password).sort()).toEqual([...want].sort());
      expect((await ours()).filter((entry) => entry.username === "bob")).toHaveLength(1);
      // exactSlot still replaces the slot itself.
      await subject.store.store(cred({ password: "token-host-wide-2" }), options);
      expect((await ours()).filter((entry) => entry.password === "token-host-wide")).toEqual([]);
    });

    it("erases every account on a host when no username is given", async () => {
      await subject.store.store(cred({ username: "alice" }));
      await subject.store.store(cred({ username: "bob" }));
      await subject.store.store(cred({ host: host("ghes"), username: "carol" }));
      expect(await subject.store.erase({ protocol: "https", host: host("github") })).toBe(2);
      expect((await ours()).map((entry) => entry.username)).toEqual(["carol"]);
    });

    it("erases only the named username", async () => {
      await subject.store.store(cred({ username: "alice" }));
      await subject.store.store(cred({ username: "bob" }));
      expect(await subject.store.erase({ protocol: "https", host: host("github"), username: "bob" })).toBe(1);
      expect((await ours()).map((entry) => entry.username)).toEqual(["alice"]);
    });

    it("does not erase a password distinct from input", async () => {
      await subject.store.store(cred({ password: "token-new" }));
      const pattern = {
        protocol: "https",
        host: host("github"),
        username: "alice",
        password: new Secret("token-old"),
      };
      expect(await subject.store.erase(pattern)).toBe(0);
      expect((await get({ protocol: "https", host: host("github") }))?.password).toBe("token-new");
    });

    it("erases when the given password matches", async () => {
      await subject.store.store(cred({ password: "token-new" }));
      const pattern = { protocol: "https", host: host("github"), password: new Secret("token-new") };
      expect(await subject.store.erase(pattern)).toBe(1);
      expect(await ours()).toEqual([]);
    });

    it("gives back the password_expiry_utc it was handed, and the latest store's", async () => {
      await subject.store.store(cred({ passwordExpiresAtMs: 9_999_999_998_000 }));
      expect(
        (await subject.store.get({ protocol: "https", host: host("github") }))?.passwordExpiresAtMs,
      ).toBe(9_999_999_998_000);
      await subject.store.store(cred({ password: "token-alice-2", passwordExpiresAtMs: 9_999_999_999_000 }));
      expect(await subject.store.get({ protocol: "https", host: host("github") })).toMatchObject({
        passwordExpiresAtMs: 9_999_999_999_000,
      });
      // A git older than 2.41 hands the same token back without the expiry it does not know.
      await subject.store.store(cred({ password: "token-alice-2" }));
      const expiry = async () =>
        (await subject.store.get({ protocol: "https", host: host("github") }))?.passwordExpiresAtMs;
      expect(await expiry()).toBe(9_999_999_999_000);
      // Another token is another expiry: none known.
      await subject.store.store(cred({ password: "token-alice-3" }));
      expect(await expiry()).toBe(undefined);
    });

    it("keeps the expiry of each entry apart, and in list()", async () => {
      await subject.store.store(cred({ username: "alice", passwordExpiresAtMs: 1_800_000_000_000 }));
      await subject.store.store(cred({ username: "bob", password: "token-bob-1" }));
      const listed = (await subject.store.list()).filter((entry) => entry.host === host("github"));
      expect(listed.map((entry) => [entry.username, entry.passwordExpiresAtMs])).toEqual(
        expect.arrayContaining([
          ["alice", 1_800_000_000_000],
          ["bob", undefined],
        ]),
      );
    });

    it("keeps oauth_refresh_token exactly where protocol/attributes.ts says this store does", async () => {
      const keeps = keptExtras(subject.store.name).includes("oauthRefreshToken");
      await subject.store.store(cred({ oauthRefreshToken: new Secret("refresh-alice-1") }));
      const found = await subject.store.get({ protocol: "https", host: host("github") });
      expect(found?.oauthRefreshToken?.reveal()).toBe(keeps ? "refresh-alice-1" : undefined);
    });

    it("keeps no authtype, credential or ephemeral flag unless protocol/attributes.ts says so", async () => {
      await subject.store.store(
        cred({ authtype: "Bearer", authCredential: new Secret("auth-credential-1"), isEphemeral: true }),
      );
      const found = await subject.store.get({ protocol: "https", host: host("github") });
      const kept = keptExtras(subject.store.name);
      expect(found?.authtype).toBe(kept.includes("authtype") ? "Bearer" : undefined);
      expect(found?.authCredential?.reveal()).toBe(
        kept.includes("authCredential") ? "auth-credential-1" : undefined,
      );
      expect(found?.isEphemeral).toBeUndefined();
    });

    it.each([
      { name: "a slot it never held", before: [], stored: {}, want: true },
      { name: "the same token again (git stores after every use)", before: [{}], stored: {}, want: false },
      {
        name: "the same token again with an expiry it did not have",
        before: [{}],
        stored: { passwordExpiresAtMs: 9_999_999_999_000 },
        want: false,
      },
      { name: "a new token in a held slot", before: [{}], stored: { password: "token-alice-2" }, want: true },
      {
        name: "the token another username holds",
        before: [{ username: "bob", password: "token-alice-1" }],
        stored: {},
        want: true,
      },
      {
        name: "the token held host-wide, for a repository",
        before: [{}],
        stored: { path: "acme/app.git" },
        want: true,
      },
    ])("says a store is new to its slot for $name", async ({ before, stored, want }) => {
      for (const entry of before) await subject.store.store(cred(entry));
      expect(await subject.store.store(cred(stored))).toBe(want);
    });

    it("with onlyIfHeld, keeps attributes beside the token the slot holds, in place", async () => {
      await subject.store.store(cred({ username: "alice" }));
      await subject.store.store(cred({ username: "bob", password: "token-bob-1" }));
      const order = (await ours()).map((entry) => entry.username);
      const written = await subject.store.store(
        cred({ username: "alice", passwordExpiresAtMs: 1_900_000_000_000 }),
        {
          exactSlot: true,
          onlyIfHeld: true,
        },
      );
      expect(written).toBe(false);
      expect((await ours()).map((entry) => entry.username)).toEqual(order);
      expect(
        (await subject.store.get({ protocol: "https", host: host("github"), username: "alice" }))
          ?.passwordExpiresAtMs,
      ).toBe(1_900_000_000_000);
    });

    it.each([
      { name: "another token", before: "token-alice-2" },
      { name: "none (removed meanwhile)", before: undefined },
    ])("with onlyIfHeld, never writes a token into a slot that holds $name", async ({ before }) => {
      if (before) await subject.store.store(cred({ password: before }));
      await subject.store.store(cred({ password: "token-alice-1", passwordExpiresAtMs: 1 }), {
        exactSlot: true,
        onlyIfHeld: true,
      });
      expect((await ours()).map((entry) => entry.password)).toEqual(before ? [before] : []);
    });

    it("erasing what is not there removes nothing", async () => {
      await subject.store.store(cred({}));
      expect(await subject.store.erase({ protocol: "https", host: host("nothing") })).toBe(0);
      expect(await ours()).toHaveLength(1);
    });
  });
}

function reveal(entry: StoredCredential) {
  const { password, passwordExpiresAtMs: _expiry, ...rest } = entry;
  return { ...rest, password: password.reveal() };
}

// recordCheck: what GitHub said about a token is recorded only while the store holds it, so a
// verify or a learner that asked before a logout finished never brings back what logout removed.
import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { loadAccountsData } from "../accounts/accounts-file.js";
import { Secret } from "../secret.js";
import { openStore } from "../stores/open-store.js";
import { recordCheck } from "./stored-tokens.js";

const EXPIRES = Date.UTC(2027, 0, 31);
const check = { login: "alice", scopes: ["repo"], expiresAtMs: EXPIRES, check: "valid" as const };

describe("recordCheck", () => {
  it("records the facts, and the expiry beside every entry holding the token on that host", async () => {
    const deps = makeTestDeps();
    const store = await openStore("file", {}, deps);
    const token = new Secret(CANARY.classic);
    await store.store({ protocol: "https", host: "github.com", username: "alice", password: token });
    await store.store({
      protocol: "https",
      host: "github.com",
      username: "x",
      path: "a/b.git",
      password: token,
    });

    const facts = await recordCheck(store, "GitHub.com", token, check, deps);

    expect(facts).toMatchObject({ host: "github.com", login: "alice", expiresAtMs: EXPIRES });
    expect((await loadAccountsData(deps)).tokens).toEqual([facts]);
    expect((await store.list()).map((entry) => entry.passwordExpiresAtMs)).toEqual([EXPIRES, EXPIRES]);
  });

  it("records nothing about a token the store no longer holds on that host (a logout finished meanwhile)", async () => {
    const deps = makeTestDeps();
    const store = await openStore("file", {}, deps);
    const token = new Secret(CANARY.classic);
    // The same token on another host is not this host's entry.
    await store.store({ protocol: "https", host: "ghe.acme.com", username: "alice", password: token });

    expect(await recordCheck(store, "github.com", token, check, deps)).toBeUndefined();

    expect((await loadAccountsData(deps)).tokens).toEqual([]);
    expect((await store.list()).map((entry) => entry.passwordExpiresAtMs)).toEqual([undefined]);
  });
});

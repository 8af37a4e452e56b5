import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import type { Account } from "./account.js";
import { accountSlot, findAccount, removeAccount, upsertAccount } from "./accounts.js";

/** "host/login*" per account, * marking the default: compact enough to read a whole table row. */
const summary = (accounts: readonly Account[]) =>
  accounts.map((a) => `${a.host}/${a.login}${a.isDefault ? "*" : ""}`);

describe("upsertAccount", () => {
  it.each([
    {
      name: "makes the first account on a host its default",
      before: [account("ghe.acme.com", "carol", { isDefault: true })],
      add: account("github.com", "alice"),
      want: ["ghe.acme.com/carol*", "github.com/alice*"],
    },
    {
      name: "adds a second account on a host without taking the default",
      before: [account("github.com", "alice", { isDefault: true })],
      add: account("github.com", "bob"),
      want: ["github.com/alice*", "github.com/bob"],
    },
    {
      name: "moves the default to an account marked default, only on its host",
      before: [
        account("github.com", "alice", { isDefault: true }),
        account("ghe.acme.com", "carol", { isDefault: true }),
      ],
      add: account("github.com", "bob", { isDefault: true }),
      want: ["github.com/alice", "ghe.acme.com/carol*", "github.com/bob*"],
    },
    {
      name: "replaces the same host and login in place, ignoring case",
      before: [account("github.com", "alice", { isDefault: true }), account("github.com", "bob")],
      add: account("GitHub.com", "Alice", { fingerprint: "ffff0000" }),
      want: ["GitHub.com/Alice*", "github.com/bob"],
    },
    {
      name: "keeps the default on a re-login of the default account",
      before: [account("github.com", "alice", { isDefault: true }), account("github.com", "bob")],
      add: account("github.com", "alice"),
      want: ["github.com/alice*", "github.com/bob"],
    },
    {
      name: "hands the default to a re-login marked default",
      before: [account("github.com", "alice", { isDefault: true }), account("github.com", "bob")],
      add: account("github.com", "bob", { isDefault: true }),
      want: ["github.com/alice", "github.com/bob*"],
    },
  ])("$name", ({ before, add, want }) => {
    const frozen = structuredClone(before);
    expect(summary(upsertAccount(before, add))).toEqual(want);
    expect(before).toEqual(frozen);
  });

  it("keeps every field of the account it adds", () => {
    const added = account("github.com", "alice", { owners: ["acme"], expiresAtMs: 5, scopes: ["repo"] });
    expect(upsertAccount([], added)).toEqual([{ ...added, isDefault: true }]);
  });
});

describe("removeAccount", () => {
  const three = [
    account("github.com", "alice"),
    account("github.com", "bob", { isDefault: true }),
    account("ghe.acme.com", "carol", { isDefault: true }),
    account("github.com", "dave"),
  ];
  it.each([
    {
      name: "removes an account that is not the default and leaves the default alone",
      before: three,
      remove: ["github.com", "alice"],
      want: ["github.com/bob*", "ghe.acme.com/carol*", "github.com/dave"],
    },
    {
      name: "passes the default to the next account on the host",
      before: three,
      remove: ["github.com", "bob"],
      want: ["github.com/alice", "ghe.acme.com/carol*", "github.com/dave*"],
    },
    {
      name: "passes the default back to the first account when the last one goes",
      before: [account("github.com", "alice"), account("github.com", "bob", { isDefault: true })],
      remove: ["github.com", "bob"],
      want: ["github.com/alice*"],
    },
    {
      name: "leaves a host with no accounts without a default",
      before: three,
      remove: ["ghe.acme.com", "carol"],
      want: ["github.com/alice", "github.com/bob*", "github.com/dave"],
    },
    {
      name: "matches host and login without case",
      before: three,
      remove: ["GITHUB.COM", "Alice"],
      want: ["github.com/bob*", "ghe.acme.com/carol*", "github.com/dave"],
    },
    {
      name: "changes nothing for an unknown account",
      before: three,
      remove: ["github.com", "zoe"],
      want: ["github.com/alice", "github.com/bob*", "ghe.acme.com/carol*", "github.com/dave"],
    },
  ])("$name", ({ before, remove, want }) => {
    const [host = "", login = ""] = remove;
    expect(summary(removeAccount(before, host, login))).toEqual(want);
  });
});

describe("findAccount", () => {
  const accounts = [
    account("github.com", "alice"),
    account("github.com", "bob", { isDefault: true }),
    account("ghe.acme.com:8443", "carol"),
  ];
  it.each([
    { name: "finds host and login", host: "github.com", login: "alice", want: "alice" },
    { name: "ignores case", host: "GitHub.com", login: "ALICE", want: "alice" },
    { name: "gives the host's default without a login", host: "github.com", login: undefined, want: "bob" },
    {
      name: "gives the first account of a host with no default",
      host: "ghe.acme.com:8443",
      login: undefined,
      want: "carol",
    },
    { name: "does not confuse a host with its port", host: "ghe.acme.com", login: "carol", want: undefined },
    { name: "finds nothing for an unknown login", host: "github.com", login: "zoe", want: undefined },
  ])("$name", ({ host, login, want }) => {
    expect(findAccount(accounts, host, login)?.login).toBe(want);
  });
});

describe("accountSlot", () => {
  it("is https, the host and the login as the username, with no path", () => {
    expect(accountSlot(account("ghe.acme.com:8443", "Alice"))).toEqual({
      protocol: "https",
      host: "ghe.acme.com:8443",
      username: "Alice",
    });
  });
});

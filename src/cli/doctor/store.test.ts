// The "store" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { facts, shown } from "../../../test/helpers/doctor-facts.js";
import { checkStore } from "./store.js";

describe("checkStore", () => {
  it.each([
    {
      name: "names the configured store and where the choice came from",
      input: { stores: [{ store: "file", source: "config.json" }] },
      want: [{ status: "ok", message: 'store "file": a plaintext file, 0600 (chosen by config.json)' }],
    },
    {
      name: "reports a reachable, unlocked keychain",
      input: { keychain: { kind: "ok" as const, items: 2 } },
      want: [
        { status: "ok" },
        { status: "ok", message: "the keychain answers and is unlocked (2 items of git-credential-pat)" },
      ],
    },
    {
      name: "fails on a keychain that cannot be reached, with the fallback",
      input: {
        keychain: {
          kind: "unavailable" as const,
          message: "the keychain is locked; unlock it",
          hint: 'git config --global credential.helper "pat --store=memory"',
        },
      },
      want: [
        { status: "ok" },
        {
          status: "fail",
          message: "the keychain is locked; unlock it",
          fix: 'git config --global credential.helper "pat --store=memory"',
        },
      ],
    },
    {
      name: "fails on an unknown store",
      input: { stores: [{ store: "vault", source: "--store in credential.helper" }] },
      want: [{ status: "fail", message: expect.stringContaining('unknown store "vault"') }],
    },
    {
      name: "fails on a broken config.json",
      input: {
        stores: [],
        configFile: {
          kind: "error" as const,
          message: "config file /c/config.json is not valid JSON",
          hint: "fix it",
        },
      },
      want: [{ status: "fail", message: "config file /c/config.json is not valid JSON", fix: "fix it" }],
    },
  ])("$name", ({ input, want }) => {
    expect(shown(checkStore(facts(input)))).toEqual(want.map((w) => expect.objectContaining(w)));
  });
});

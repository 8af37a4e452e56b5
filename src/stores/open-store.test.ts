// The store precedence rule shared by the helper, the commands and doctor.
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { chooseStoreName, storeSetting } from "./open-store.js";

const ENV_STORE = "GIT_CREDENTIAL_PAT_STORE";

describe("storeSetting", () => {
  it.each([
    {
      name: "--store wins over everything",
      flag: "memory",
      env: { [ENV_STORE]: "file" },
      config: { store: "keychain" as const },
      want: { value: "memory", source: "flag" },
    },
    {
      name: "the environment wins over config.json",
      flag: undefined,
      env: { [ENV_STORE]: "file" },
      config: { store: "memory" as const },
      want: { value: "file", source: "env" },
    },
    {
      name: "an empty environment variable counts as unset",
      flag: undefined,
      env: { [ENV_STORE]: "" },
      config: { store: "memory" as const },
      want: { value: "memory", source: "config" },
    },
    {
      name: "without any setting the keychain is the default",
      flag: undefined,
      env: {},
      config: {},
      want: { value: "keychain", source: "default" },
    },
    {
      name: "an unknown name is returned as it is, for doctor to report",
      flag: undefined,
      env: { [ENV_STORE]: "vault" },
      config: {},
      want: { value: "vault", source: "env" },
    },
  ])("$name", ({ flag, env, config, want }) => {
    expect(storeSetting(flag, config, env)).toEqual(want);
  });
});

describe("chooseStoreName", () => {
  it.each([
    {
      name: "names the flag",
      flag: "vault",
      env: {},
      message: '--store must be one of keychain, file, memory (got "vault")',
    },
    {
      name: "names the environment variable",
      flag: undefined,
      env: { [ENV_STORE]: "vault" },
      message: `${ENV_STORE} must be one of keychain, file, memory (got "vault")`,
    },
  ])("refuses an unknown store and $name", ({ flag, env, message }) => {
    expect(() => chooseStoreName(flag, {}, env)).toThrow(new UsageError(message));
  });
});

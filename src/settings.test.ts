import { describe, expect, it } from "vitest";
import { apiTimeoutMs, DEFAULTS, pickEnv, TOKEN_ENV } from "./settings.js";

describe("apiTimeoutMs", () => {
  it.each([
    { name: "unset keeps the default (10 s)", value: undefined, want: 10_000 },
    { name: "a whole number of milliseconds is used", value: "2500", want: 2500 },
    { name: "a long wait for a slow GHES link is used", value: "120000", want: 120_000 },
    { name: "0 would fail every request at once: the default", value: "0", want: DEFAULTS.apiTimeoutMs },
    { name: "a unit is not understood: the default", value: "30s", want: DEFAULTS.apiTimeoutMs },
    { name: "a negative number: the default", value: "-5", want: DEFAULTS.apiTimeoutMs },
    { name: "an empty value: the default", value: "", want: DEFAULTS.apiTimeoutMs },
    {
      name: "beyond what a timer can wait is capped, not fired at once",
      value: "99999999999",
      want: 2 ** 31 - 1,
    },
  ])("$name", ({ value, want }) => {
    expect(apiTimeoutMs({ GIT_CREDENTIAL_PAT_API_TIMEOUT_MS: value })).toBe(want);
  });
});

describe("pickEnv", () => {
  const env = {
    PATH: "/usr/bin",
    HOME: "/home/user",
    GH_TOKEN: "t1",
    GITHUB_TOKEN: "t2",
    GH_ENTERPRISE_TOKEN: "t3",
    GITHUB_ENTERPRISE_TOKEN: "t4",
    gh_token: "t5",
  };
  it.each([
    {
      name: "passes on the listed variables that are set",
      names: ["PATH", "HOME", "LANG"],
      want: { PATH: "/usr/bin", HOME: "/home/user" },
    },
    { name: "passes on nothing that is not listed", names: [], want: {} },
    {
      name: "never passes on a token variable, even when listed",
      names: ["PATH", ...TOKEN_ENV],
      want: { PATH: "/usr/bin" },
    },
    { name: "never passes on a token variable spelled in lower case", names: ["gh_token"], want: {} },
  ])("$name", ({ names, want }) => {
    expect(pickEnv(env, names)).toEqual(want);
  });
});

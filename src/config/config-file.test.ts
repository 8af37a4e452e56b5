import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import type { Config } from "../settings.js";
import { isLearningOn, loadConfig } from "./config-file.js";

const CONFIG = "/home/user/.config/git-credential-pat/config.json";

function withConfig(text: string) {
  const deps = makeTestDeps();
  deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
  deps.vol.writeFileSync(CONFIG, text, { mode: 0o600 });
  return deps;
}

describe("config.json learn", () => {
  it.each([
    { name: "reads true", text: '{"learn": true}', want: { learn: true } },
    { name: "reads false", text: '{"learn": false}', want: { learn: false } },
    { name: "leaves it out when absent", text: "{}", want: {} },
  ])("$name", async ({ text, want }) => {
    expect(await loadConfig(withConfig(text))).toEqual(want);
  });

  it("refuses a value that is not true or false, naming the key", async () => {
    await expect(loadConfig(withConfig('{"learn": "no"}'))).rejects.toThrow(
      `config file ${CONFIG}: "learn" must be true or false`,
    );
  });
});

describe("isLearningOn", () => {
  it.each<{ name: string; config: Config; env: Record<string, string>; want: boolean }>([
    { name: "is on by default", config: {}, env: {}, want: true },
    { name: 'is off with "learn": false', config: { learn: false }, env: {}, want: false },
    {
      name: "is off with GIT_CREDENTIAL_PAT_LEARN=0",
      config: {},
      env: { GIT_CREDENTIAL_PAT_LEARN: "0" },
      want: false,
    },
    {
      name: "GIT_CREDENTIAL_PAT_LEARN=1 wins over the config file",
      config: { learn: false },
      env: { GIT_CREDENTIAL_PAT_LEARN: "1" },
      want: true,
    },
    {
      name: "GIT_CREDENTIAL_PAT_LEARN=off wins over the config file",
      config: { learn: true },
      env: { GIT_CREDENTIAL_PAT_LEARN: "off" },
      want: false,
    },
    {
      name: "an empty variable counts as unset",
      config: {},
      env: { GIT_CREDENTIAL_PAT_LEARN: "" },
      want: true,
    },
  ])("$name", ({ config, env, want }) => {
    expect(isLearningOn(config, env)).toBe(want);
  });
});

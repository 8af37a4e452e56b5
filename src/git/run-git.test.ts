import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { gitEnv, runGit } from "./run-git.js";

const TOKENS = {
  GH_TOKEN: CANARY.classic,
  GITHUB_TOKEN: CANARY.classic2,
  GH_ENTERPRISE_TOKEN: CANARY.fineGrained,
  GITHUB_ENTERPRISE_TOKEN: CANARY.hex40,
};

describe("gitEnv", () => {
  it.each([
    {
      name: "keeps what git needs to find its config",
      env: { PATH: "/usr/bin", HOME: "/home/user", GIT_CONFIG_GLOBAL: "/tmp/g", XDG_CONFIG_HOME: "/x" },
      want: { PATH: "/usr/bin", HOME: "/home/user", GIT_CONFIG_GLOBAL: "/tmp/g", XDG_CONFIG_HOME: "/x" },
    },
    {
      name: "keeps where Git for Windows finds the home directory when HOME is unset",
      env: {
        PATH: "C:\\Program Files\\Git\\cmd",
        USERPROFILE: "C:\\Users\\a",
        HOMEDRIVE: "C:",
        HOMEPATH: "\\Users\\a",
        SystemRoot: "C:\\Windows",
        APPDATA: "C:\\Users\\a\\AppData\\Roaming",
      },
      want: {
        PATH: "C:\\Program Files\\Git\\cmd",
        USERPROFILE: "C:\\Users\\a",
        HOMEDRIVE: "C:",
        HOMEPATH: "\\Users\\a",
        SystemRoot: "C:\\Windows",
      },
    },
    {
      name: "drops every token variable",
      env: { PATH: "/usr/bin", ...TOKENS },
      want: { PATH: "/usr/bin" },
    },
    {
      name: "drops what would make git run something or talk to someone else",
      env: {
        PATH: "/usr/bin",
        GIT_ASKPASS: "/bin/askpass",
        GIT_CONFIG_PARAMETERS: "'credential.helper'='store'",
        GIT_TRACE: "1",
        HTTPS_PROXY: "http://proxy:3128",
      },
      want: { PATH: "/usr/bin" },
    },
  ])("$name", ({ env, want }) => {
    expect(gitEnv(env)).toEqual(want);
  });

  it("hands git the allow-listed environment, never a token variable", async () => {
    const deps = makeTestDeps({
      env: { PATH: "/usr/bin", ...TOKENS },
      spawnResults: [{ code: 0, stdout: "git version 2.43.0\n", stderr: "" }],
    });
    await runGit(["version"], deps);
    expect(deps.spawnEnvs).toEqual([{ PATH: "/usr/bin" }]);
  });
});

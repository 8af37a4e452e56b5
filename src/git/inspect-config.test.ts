import { describe, expect, it } from "vitest";
import { inspectConfig, originFile, splitConfigKey } from "./inspect-config.js";
import { inspectGitVersion, isGitAtLeast } from "./inspect-git-version.js";

describe("inspectConfig", () => {
  it("reads scope, origin, key and value of each NUL-terminated entry", () => {
    const output =
      "global\0file:/home/u/.gitconfig\0credential.helper\nstore\0" +
      "local\0file:.git/config\0remote.origin.url\ngit@github.com:a/b.git\0";
    expect(inspectConfig(output, { hasScope: true })).toEqual([
      { scope: "global", origin: "file:/home/u/.gitconfig", key: "credential.helper", value: "store" },
      {
        scope: "local",
        origin: "file:.git/config",
        key: "remote.origin.url",
        value: "git@github.com:a/b.git",
      },
    ]);
  });

  it("keeps an empty value apart from a missing one", () => {
    const output = "global\0file:/g\0credential.helper\n\0global\0file:/g\0credential.bare\0";
    expect(inspectConfig(output, { hasScope: true })).toEqual([
      { scope: "global", origin: "file:/g", key: "credential.helper", value: "" },
      { scope: "global", origin: "file:/g", key: "credential.bare", value: undefined },
    ]);
  });

  it("reads output without --show-scope (git before 2.26)", () => {
    expect(
      inspectConfig("file:/g\0url.git@github.com:.insteadof\nhttps://github.com/\0", { hasScope: false }),
    ).toEqual([
      {
        scope: "unknown",
        origin: "file:/g",
        key: "url.git@github.com:.insteadof",
        value: "https://github.com/",
      },
    ]);
  });

  it("reads nothing from empty output", () => {
    expect(inspectConfig("", { hasScope: true })).toEqual([]);
  });
});

describe("splitConfigKey and originFile", () => {
  it.each([
    { key: "credential.helper", want: { section: "credential", subsection: undefined, name: "helper" } },
    {
      key: "credential.https://github.com.helper",
      want: { section: "credential", subsection: "https://github.com", name: "helper" },
    },
    {
      key: "url.git@github.com:.insteadof",
      want: { section: "url", subsection: "git@github.com:", name: "insteadof" },
    },
  ])("splits $key", ({ key, want }) => {
    expect(splitConfigKey(key)).toEqual(want);
  });

  it.each([
    ["file:/home/u/.gitconfig", "/home/u/.gitconfig"],
    ["command line:", undefined],
    ["blob:HEAD:.gitmodules", undefined],
  ])("origin %s is file %s", (origin, want) => {
    expect(originFile({ origin })).toBe(want);
  });
});

describe("inspectGitVersion", () => {
  it.each([
    { output: "git version 2.39.5\n", want: { major: 2, minor: 39, patch: 5, text: "2.39.5" } },
    {
      output: "git version 2.45.1.windows.1",
      want: { major: 2, minor: 45, patch: 1, text: "2.45.1.windows.1" },
    },
    {
      output: "git version 2.39.3 (Apple Git-146)",
      want: { major: 2, minor: 39, patch: 3, text: "2.39.3 (Apple Git-146)" },
    },
    { output: "git version 3.0", want: { major: 3, minor: 0, patch: 0 } },
  ])("reads $output", ({ output, want }) => {
    expect(inspectGitVersion(output)).toMatchObject(want);
  });

  it("gives up on something else", () => {
    expect(inspectGitVersion("hub version 2.14")).toBeUndefined();
  });

  it.each([
    { version: "2.39.5", at: [2, 40], want: false },
    { version: "2.40.0", at: [2, 40], want: true },
    { version: "3.1.0", at: [2, 40], want: true },
    { version: "1.9.0", at: [2, 26], want: false },
  ])("$version is at least $at: $want", ({ version, at, want }) => {
    const parsed = inspectGitVersion(`git version ${version}`);
    if (parsed === undefined) throw new Error("unparsed");
    expect(isGitAtLeast(parsed, at[0] as number, at[1] as number)).toBe(want);
  });
});

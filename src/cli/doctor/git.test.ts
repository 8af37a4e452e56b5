// The "git" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { facts } from "../../../test/helpers/doctor-facts.js";
import { inspectGitVersion } from "../../git/inspect-git-version.js";
import type { DoctorFacts } from "./facts.js";
import { checkGit } from "./git.js";

describe("checkGit", () => {
  it.each([
    {
      name: "warns that git before 2.40 ignores password_expiry_utc",
      version: "git version 2.39.5",
      want: { status: "warn", message: expect.stringContaining("git 2.39.5 ignores password_expiry_utc") },
    },
    {
      name: "is happy with git 2.40",
      version: "git version 2.40.1",
      want: { status: "ok", message: "git 2.40.1" },
    },
    {
      name: "warns when the version cannot be read",
      version: "something else",
      want: { status: "warn", message: 'cannot read git\'s version from "something else"' },
    },
  ])("$name", ({ version, want }) => {
    const git = { kind: "found" as const, version: inspectGitVersion(version), output: version };
    expect(checkGit({ git })).toEqual([expect.objectContaining(want)]);
  });

  it("fails without git", () => {
    expect(checkGit({ git: { kind: "missing", message: "git was not found on PATH" } })).toMatchObject([
      { status: "fail", message: "git was not found on PATH" },
    ]);
  });

  it("fails when git cannot read its config", () => {
    const git = { ...facts().git, configError: "fatal: bad config line 3 in file /home/user/.gitconfig" };
    expect(checkGit({ git } as Pick<DoctorFacts, "git">)[1]).toMatchObject({
      status: "fail",
      message: "git cannot read its configuration: fatal: bad config line 3 in file /home/user/.gitconfig",
    });
  });
});

// Proves the modern-git project really runs git ≥ 2.46: its PATH (vitest.config.ts) puts the
// modern build first, and the sandbox every integration and e2e test uses inherits that PATH.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";
import {
  gitVersion,
  MODERN_GIT_BIN_ENV,
  MODERN_GIT_MINIMUM,
  modernGitFromEnv,
  versionAtLeast,
} from "../helpers/modern-git.js";

const minimum = MODERN_GIT_MINIMUM.join(".");
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

it(`has a modern git from npm test (${MODERN_GIT_BIN_ENV})`, () => {
  expect(modernGitFromEnv(), `${MODERN_GIT_BIN_ENV} unset: run the tests with npm test`).toBeDefined();
});

it(`runs git ≥ ${minimum} as plain "git"`, () => {
  const version = gitVersion("git") ?? "none";
  expect(versionAtLeast(version, MODERN_GIT_MINIMUM), `git on PATH is ${version}`).toBe(true);
});

it(`runs git ≥ ${minimum} in the test sandbox`, async () => {
  const result = await sandbox.git(["--version"]);
  const version = /^git version (\S+)/.exec(result.stdout)?.[1] ?? "none";
  expect(versionAtLeast(version, MODERN_GIT_MINIMUM), `sandbox git is ${version}`).toBe(true);
});

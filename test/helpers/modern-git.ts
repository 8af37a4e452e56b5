// The second git the tests run against, and git's own test suite: scripts/test.sh runs
// scripts/modern-git.sh (git's source, built once per machine) and exports its two results under
// these names. vitest.config.ts reads them to add the modern-git projects; no vitest import here,
// since the config loads this file.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The built git source tree; git's test scripts live in its `t/`. */
export const GIT_SOURCE_ENV = "GIT_CREDENTIAL_PAT_GIT_SOURCE";
/** The bin directory of the installed modern git: first on PATH, `git` is git ≥ 2.46. */
export const MODERN_GIT_BIN_ENV = "GIT_CREDENTIAL_PAT_MODERN_GIT_BIN";

/** git 2.46 added `capability[]=authtype`, the newest credential protocol the helper speaks. */
export const MODERN_GIT_MINIMUM: readonly [number, number] = [2, 46];

export interface ModernGit {
  source: string;
  bin: string;
  version: string;
}

/** The modern git named by the environment, or undefined when `npm test` did not set it up. */
export function modernGitFromEnv(env: NodeJS.ProcessEnv = process.env): ModernGit | undefined {
  const source = env[GIT_SOURCE_ENV];
  const bin = env[MODERN_GIT_BIN_ENV];
  if (!source || !bin) return undefined;
  return { source, bin, version: gitVersion(join(bin, "git")) ?? "unknown" };
}

/** "2.39.5" from `git --version`, or undefined when that git does not run. */
export function gitVersion(git: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const output = execFileSync(git, ["--version"], { encoding: "utf8", env });
    return /^git version (\S+)/.exec(output)?.[1];
  } catch {
    return undefined;
  }
}

/** True when `version` (e.g. "2.47.3", "2.46.0.rc1") is at least major.minor `minimum`. */
export function versionAtLeast(version: string, minimum: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

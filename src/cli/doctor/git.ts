// doctor's "git" section: git's version and whether it can read its config. Gathering here also
// reads the config the helper, rewrite and remote sections judge, since it needs git's version.
import type { ConfigEntry } from "../../git/inspect-config.js";
import { inspectGitVersion, isGitAtLeast } from "../../git/inspect-git-version.js";
import { runGit } from "../../git/run-git.js";
import type { Deps } from "../../platform/deps.js";
import type { DoctorFacts, GitFact, RepositoryFacts } from "./facts.js";
import { errorMessage, firstLine } from "./failure.js";
import type { Finding } from "./finding.js";
import { gatherHelpers } from "./helpers.js";
import { absoluteOrigins, readConfig } from "./read-git-config.js";
import { gatherRepository, locateRepository } from "./repository.js";

/** Keys doctor reads from git's config: helpers, remotes, submodule URLs and URL rewrites. */
const CONFIG_REGEX =
  "^(credential\\..*helper|remote\\..*\\.(url|pushurl)|submodule\\..*\\.url|url\\..*\\.(insteadof|pushinsteadof))$";

export interface GitFacts {
  git: GitFact;
  config: ConfigEntry[];
  helperMatches: Record<string, string[]>;
  patOnPath: boolean | undefined;
  repository: RepositoryFacts;
}

/** git's version, its config, the repository here and the helpers it asks for each of `hosts`. */
export async function gatherGit(
  hosts: readonly string[],
  selfPaths: readonly string[],
  deps: Deps,
): Promise<GitFacts> {
  let versionOutput: string;
  try {
    versionOutput = (await runGit(["version"], deps)).stdout;
  } catch (error) {
    return {
      git: { kind: "missing", message: errorMessage(error) },
      config: [],
      helperMatches: {},
      patOnPath: undefined,
      repository: { kind: "none", reason: "git is not installed" },
    };
  }
  const version = inspectGitVersion(versionOutput);
  // --show-scope is git 2.26; older gits still answer without it.
  const hasScope = version === undefined || isGitAtLeast(version, 2, 26);
  const where = await locateRepository(deps);
  const configResult = await readConfig(CONFIG_REGEX, hasScope, deps);
  const config = absoluteOrigins(configResult.entries, where.kind === "repo" ? where.base : undefined);
  const repository: RepositoryFacts =
    where.kind === "repo" ? await gatherRepository(where, config, hasScope, deps) : where;
  const helpers = await gatherHelpers(hosts, config, selfPaths, deps);
  return {
    git: {
      kind: "found",
      version,
      output: firstLine(versionOutput),
      ...(configResult.error === undefined ? {} : { configError: configResult.error }),
    },
    config,
    ...helpers,
    repository,
  };
}

/** `password_expiry_utc` is understood from git 2.40 (credential: new attribute password_expiry_utc). */
const EXPIRY_GIT = { major: 2, minor: 40 } as const;

export function checkGit(facts: Pick<DoctorFacts, "git">): Finding[] {
  const area = "git";
  if (facts.git.kind === "missing") {
    return [{ area, status: "fail", message: facts.git.message, fix: "install git, then run this again" }];
  }
  const findings: Finding[] = [];
  const { version, output } = facts.git;
  if (version === undefined) {
    findings.push({ area, status: "warn", message: `cannot read git's version from "${output}"` });
  } else if (!isGitAtLeast(version, EXPIRY_GIT.major, EXPIRY_GIT.minor)) {
    findings.push({
      area,
      status: "warn",
      message: `git ${version.text} ignores password_expiry_utc (git ${EXPIRY_GIT.major}.${EXPIRY_GIT.minor} or later reads it): git cannot tell when a token expires, and other helpers keep it past its expiry (git-credential-pat itself never hands out an expired token)`,
      fix: `upgrade git to ${EXPIRY_GIT.major}.${EXPIRY_GIT.minor} or later`,
    });
  } else {
    findings.push({ area, status: "ok", message: `git ${version.text}` });
  }
  if (facts.git.configError !== undefined) {
    findings.push({
      area,
      status: "fail",
      message: `git cannot read its configuration: ${facts.git.configError}`,
      fix: "fix the file git names, then run this again",
    });
  }
  return findings;
}

// The facts the "remotes" section judges: the repository here, each checked-out submodule's
// remotes and URL rules, and the top-level .gitmodules.
import { type ConfigEntry, inspectConfig } from "../../git/inspect-config.js";
import { runGit } from "../../git/run-git.js";
import type { Deps } from "../../platform/deps.js";
import { joinPath } from "../../posix-path.js";
import type { RepoFacts, RepositoryFacts } from "./facts.js";
import { firstLine } from "./failure.js";
import { absoluteOrigins, readConfig } from "./read-git-config.js";

type Location =
  | Extract<RepositoryFacts, { kind: "none" }>
  | {
      kind: "repo";
      gitDir: string;
      toplevel: string | undefined;
      /** Where git resolves relative config origins: the work tree's top (git chdirs there), else the git dir. */
      base: string;
    };

const REPO_REGEX =
  "^(remote\\..*\\.(url|pushurl)|submodule\\..*\\.url|url\\..*\\.(insteadof|pushinsteadof))$";

export async function locateRepository(deps: Deps): Promise<Location> {
  const where = await runGit(["rev-parse", "--absolute-git-dir", "--is-bare-repository"], deps);
  if (where.code !== 0) {
    const why = firstLine(where.stderr);
    return /not a git repository/i.test(why)
      ? { kind: "none", reason: "not inside a git repository" }
      : { kind: "none", reason: why || `git rev-parse failed (exit ${where.code})`, isError: true };
  }
  const [gitDir = "", bare] = where.stdout.trim().split("\n");
  const top = bare === "false" ? await runGit(["rev-parse", "--show-toplevel"], deps) : undefined;
  const toplevel = top?.code === 0 ? top.stdout.trim() : undefined;
  return { kind: "repo", gitDir, toplevel, base: toplevel ?? gitDir };
}

const isRepoEntry = (entry: ConfigEntry) => /^(remote|submodule|url)\./.test(entry.key);

/** The repository's entries (from `config`, as git reads them here), then its submodules' and .gitmodules. */
export async function gatherRepository(
  where: Extract<Location, { kind: "repo" }>,
  config: readonly ConfigEntry[],
  hasScope: boolean,
  deps: Deps,
): Promise<RepositoryFacts> {
  const repository: Extract<RepositoryFacts, { kind: "repo" }> = {
    kind: "repo",
    gitDir: where.gitDir,
    repos: [{ displayPath: undefined, dir: undefined, entries: config.filter(isRepoEntry) }],
    gitmodules: [],
  };
  if (where.toplevel === undefined) return repository;
  const submodules = await gatherSubmodules(hasScope, deps);
  if (submodules.kind === "error") repository.submoduleError = submodules.error;
  else repository.repos.push(...submodules.repos);
  repository.gitmodules = await readGitmodules(where.toplevel, deps);
  return repository;
}

/** Each checked-out submodule, recursively, with its own remotes and rules. */
async function gatherSubmodules(
  hasScope: boolean,
  deps: Deps,
): Promise<{ kind: "ok"; repos: RepoFacts[] } | { kind: "error"; error: string }> {
  // $displaypath is relative to where the user stands; $toplevel/$sm_path is where git runs.
  const foreach = await runGit(
    [
      "submodule",
      "--quiet",
      "foreach",
      "--recursive",
      'printf "%s\\0%s/%s\\0" "$displaypath" "$toplevel" "$sm_path"',
    ],
    deps,
  );
  if (foreach.code !== 0)
    return { kind: "error", error: firstLine(foreach.stderr) || `exit ${foreach.code}` };
  const repos: RepoFacts[] = [];
  const fields = foreach.stdout.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const displayPath = fields[i] as string;
    const dir = fields[i + 1] as string;
    const sub = await readConfig(REPO_REGEX, hasScope, deps, dir);
    repos.push({ displayPath, dir, entries: absoluteOrigins(sub.entries, dir) });
  }
  return { kind: "ok", repos };
}

/** `submodule.<name>.url` entries of the top-level .gitmodules (none when git cannot read it). */
async function readGitmodules(toplevel: string, deps: Deps): Promise<ConfigEntry[]> {
  const gitmodules = await runGit(
    [
      "config",
      "-z",
      "--show-origin",
      "--file",
      joinPath(toplevel, ".gitmodules"),
      "--get-regexp",
      "^submodule\\..*\\.url$",
    ],
    deps,
  );
  return gitmodules.code === 0 ? inspectConfig(gitmodules.stdout, { hasScope: false }) : [];
}

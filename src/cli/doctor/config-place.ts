// Where a git config entry lives: named in messages, and named to `git config` in fixes
// (with the file `git config --global` edits, which is looked up once with the facts).
import { type ConfigEntry, originFile } from "../../git/inspect-config.js";
import type { Deps } from "../../platform/deps.js";
import { joinPath } from "../../posix-path.js";
import type { DoctorFacts } from "./facts.js";

/** Where a config entry lives, for messages: `(global, /home/u/.gitconfig)`. */
export function placeOf(entry: ConfigEntry): string {
  const file = originFile(entry);
  const origin = file ?? entry.origin.replace(/:$/, "");
  return entry.scope === "unknown" ? `(${origin})` : `(${entry.scope}, ${origin})`;
}

/** How a person names a config file to `git config`: --global, --local or --file FILE. */
export function configWhere(
  file: string,
  facts: { globalConfigFile: string; gitDir?: string | undefined },
): string[] {
  if (file === facts.globalConfigFile) return ["--global"];
  return facts.gitDir !== undefined && file === joinPath(facts.gitDir, "config")
    ? ["--local"]
    : ["--file", file];
}

export function gitDirOf(facts: Pick<DoctorFacts, "repository">): string | undefined {
  return facts.repository.kind === "repo" ? facts.repository.gitDir : undefined;
}

/** git config --global edits $GIT_CONFIG_GLOBAL, else ~/.gitconfig unless only the XDG file exists (builtin/config.c). */
export async function globalConfigFile(deps: Deps): Promise<string> {
  const fromEnv = deps.env.GIT_CONFIG_GLOBAL;
  if (fromEnv) return fromEnv;
  const home = joinPath(deps.paths.home, ".gitconfig");
  const xdg = joinPath(deps.paths.xdgConfigHome, "git", "config");
  const exists = (path: string) =>
    deps.fs.stat(path).then(
      () => true,
      () => false,
    );
  return !(await exists(home)) && (await exists(xdg)) ? xdg : home;
}

// Runs the real git for people's commands (setup, doctor) through the injected Spawn, with an
// environment built from an allow-list: no token variable ever reaches a child.

import { PatError } from "../errors.js";
import type { Deps, SpawnResult } from "../platform/deps.js";
import { pickEnv } from "../settings.js";

/** Variables git needs to find its config and behave; nothing else is passed on. */
const GIT_ENV_ALLOW = [
  "PATH",
  "HOME",
  "LANG",
  "LC_ALL",
  "XDG_CONFIG_HOME",
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_SYSTEM",
  "GIT_CONFIG_NOSYSTEM",
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_EXEC_PATH",
  // Windows: without HOME (the usual case there) Git for Windows takes the home directory from
  // HOMEDRIVE/HOMEPATH or USERPROFILE, else --global has no file; SystemRoot, for system DLLs.
  "USERPROFILE",
  "HOMEDRIVE",
  "HOMEPATH",
  "SystemRoot",
];

export const GIT_TIMEOUT_MS = 10_000;

export function gitEnv(env: Deps["env"]): Record<string, string> {
  return pickEnv(env, GIT_ENV_ALLOW);
}

/** Runs `git ARGS`; a missing git or a timeout is a PatError, a non-zero exit is returned. */
export async function runGit(
  args: readonly string[],
  deps: Pick<Deps, "spawn" | "env">,
  options: { cwd?: string; input?: string; locale?: "C" } = {},
): Promise<SpawnResult> {
  const { locale, ...rest } = options;
  // The C locale, for a value pattern whose {N} counts bytes (url-secret.ts secretFreePattern).
  const env = locale === undefined ? gitEnv(deps.env) : { ...gitEnv(deps.env), LC_ALL: locale };
  const result = await deps.spawn("git", args, { env, timeoutMs: GIT_TIMEOUT_MS, ...rest });
  if (result.code === 127)
    throw new PatError("git was not found on PATH", { hint: "install git, then run this again" });
  return result;
}

// Reads the config entries doctor judges, as git itself reads them here (with scope and origin).
import { isAbsolute, resolve } from "node:path";
import { type ConfigEntry, inspectConfig, originFile } from "../../git/inspect-config.js";
import { runGit } from "../../git/run-git.js";
import type { Deps } from "../../platform/deps.js";
import { firstLine } from "./failure.js";

export async function readConfig(
  regex: string,
  hasScope: boolean,
  deps: Deps,
  dir?: string,
): Promise<{ entries: ConfigEntry[]; error?: string }> {
  const args = [
    ...(dir === undefined ? [] : ["-C", dir]),
    "config",
    "-z",
    ...(hasScope ? ["--show-scope"] : []),
    "--show-origin",
    "--get-regexp",
    regex,
  ];
  const result = await runGit(args, deps);
  // Exit 1: no such keys, which is fine.
  if (result.code === 1) return { entries: [] };
  if (result.code !== 0) return { entries: [], error: firstLine(result.stderr) || `exit ${result.code}` };
  return { entries: inspectConfig(result.stdout, { hasScope }) };
}

/** git prints the repository's own config as `file:.git/config`, relative to where it ran. */
export function absoluteOrigins(entries: ConfigEntry[], base: string | undefined): ConfigEntry[] {
  return entries.map((entry) => {
    const file = originFile(entry);
    return file === undefined || isAbsolute(file) || base === undefined
      ? entry
      : { ...entry, origin: `file:${resolve(base, file)}` };
  });
}

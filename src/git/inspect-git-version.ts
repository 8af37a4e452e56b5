// `git version` output → a comparable version. Pure: no I/O.

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
  /** As git printed it, e.g. "2.39.5" or "2.39.3 (Apple Git-146)". */
  text: string;
}

/** Reads "git version 2.39.5", "git version 2.45.1.windows.1", "git version 2.39.3 (Apple Git-146)". */
export function inspectGitVersion(output: string): GitVersion | undefined {
  const match = /^git version ((\d+)\.(\d+)(?:\.(\d+))?\S*(?: \(.*\))?)/.exec(output.trim());
  if (!match) return undefined;
  return {
    major: Number(match[2]),
    minor: Number(match[3]),
    patch: Number(match[4] ?? 0),
    text: match[1] ?? "",
  };
}

/** True when `version` is at least major.minor. */
export function isGitAtLeast(version: GitVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

// The platform binary npm installed with this Node build (@git-credential-pat/<platform>), when
// it is one git should run: setup writes its path as the helper, doctor checks git runs it. A
// Node start on every git operation costs ~3× the binary's (issue 15).
import type { Deps, PlatformBinary } from "../platform/deps.js";
import { VERSION } from "../version.js";

export type InstalledBinary = Extract<PlatformBinary, { kind: "found" }>;

/**
 * The binary, or undefined: this is the standalone build already, the platform has none, npm
 * did not install it, or it is another version (the optional dependencies are pinned to the
 * main package's version, so a different one is a stale copy found elsewhere on the way up).
 */
export async function installedBinary(
  deps: Pick<Deps, "platformBinary">,
): Promise<InstalledBinary | undefined> {
  const binary = await deps.platformBinary();
  return binary.kind === "found" && binary.version === VERSION ? binary : undefined;
}

import type { ReleaseTarget } from "./release-targets.mjs";
export function keyringAddonFile(target: Pick<ReleaseTarget, "keyring">): string;

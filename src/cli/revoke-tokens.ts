// Revoking tokens on GitHub once a command's local change is made (rotate --revoke-old, logout
// --revoke): one line per token, named by describe() only. A token not revoked stays removed
// here (the change is never undone for it); the command exits 1 once everything else is done.
import type { RevokeOutcome } from "../github/types.js";
import type { Deps } from "../platform/deps.js";
import { printable } from "../protocol/index.js";
import { describe as describeToken, type Secret, scrub, tokenKind } from "../secret.js";
import { githubFor } from "./command-kit.js";
import { tokenSettingsUrl } from "./new-token-guide.js";

export interface RevokeTarget {
  token: Secret;
  host: string;
  /** The API it was checked with; undefined: the host's default. */
  apiUrl: string | undefined;
}

/** Revokes each token in turn and says what happened; whether every one was revoked. */
export async function revokeOnGithub(targets: readonly RevokeTarget[], deps: Deps): Promise<boolean> {
  let isAllRevoked = true;
  for (const target of targets) {
    const outcome = await revokeOne(target, deps);
    reportRevoke(target, outcome, deps);
    if (outcome.kind !== "revoked") isAllRevoked = false;
  }
  return isAllRevoked;
}

async function revokeOne({ token, host, apiUrl }: RevokeTarget, deps: Deps): Promise<RevokeOutcome> {
  try {
    return await (await githubFor(host, apiUrl, deps)).revoke(token);
  } catch (error) {
    // An API URL or host the GitHub layer refuses: nothing was sent.
    return { kind: "failed", reason: scrub(error instanceof Error ? error.message : String(error)) };
  }
}

const LABELS: Record<Exclude<RevokeOutcome["kind"], "revoked">, string> = {
  unsupported: "not supported by this host",
  "rate-limited": "rate-limited",
  failed: "failed",
};

/** "Revoked ghp_… (fp 1a2b3c4d) on github.com" on stdout, or one line on stderr saying why not. */
export function reportRevoke({ token, host }: RevokeTarget, outcome: RevokeOutcome, deps: Deps): void {
  const named = describeToken(token);
  if (outcome.kind === "revoked") {
    deps.io.out.write(`${printable(`Revoked ${named} on ${host}`)}\n`);
    return;
  }
  reportNotRevoked({ token, host }, `${LABELS[outcome.kind]}: ${outcome.reason}`, deps);
}

/** One line on stderr: `token` was not revoked on `host`, why, and where to delete it by hand. */
export function reportNotRevoked(
  { token, host }: Pick<RevokeTarget, "token" | "host">,
  why: string,
  deps: Deps,
): void {
  deps.io.err.write(
    `${printable(
      `git-credential-pat: ${describeToken(token)} not revoked on ${host}: ${why}; it still works until you delete it at ${settingsPage(host, token)}`,
    )}\n`,
  );
}

/** Where to delete the token by hand; a host no URL can be made of gets the page's name. */
function settingsPage(host: string, token: Secret): string {
  try {
    return tokenSettingsUrl(host, tokenKind(token) === "fine-grained");
  } catch {
    return "the host's token settings page";
  }
}

// How doctor speaks of a secret it found in a URL: what it is, never any of it.
import type { UrlSecret } from "../../git/url-secret.js";
import { describe } from "../../secret.js";

export type FoundSecret = Exclude<UrlSecret, { kind: "none" }>;

/** "a token, ghp_… (fp 3f9a1c2b)": what the secret is, never any of it. */
export function secretLabel(found: FoundSecret): string {
  return `${found.kind === "username" ? "a token" : "a password"}, ${describe(found.secret)}`;
}

/** What happens once the secret is out of git's config, and what it does not undo. */
export function afterSecretFix(found: FoundSecret): string {
  return `once it is out, git asks its credential helper (or prompts once); it still works on ${found.host} until you revoke or rotate it`;
}

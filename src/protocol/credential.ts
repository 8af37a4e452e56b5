// The credential as the rest of the code sees it: camelCase fields, times in ms.
// Wire names (password_expiry_utc, key[]) live only in this folder; the fields come from attributes.ts.
import type { Credential } from "./attributes.js";
import type { MatchOptions } from "./match-credential.js";

export type { Credential, CredentialField } from "./attributes.js";

/** A parsed request from git: the credential plus the repeated `key[]` lists. */
export interface CredentialRequest extends Credential {
  /** Values of `key[]` lines in order, keyed without the brackets ("wwwauth", "capability"). */
  lists: Readonly<Record<string, readonly string[]>>;
}

/** How a source is asked for a credential: the matching, and what the asking git can use. */
export interface LookupOptions extends MatchOptions {
  /** The git asking announced `capability[]=authtype`: an authtype and its credential are an answer. */
  withAuthtype?: boolean;
}

/** True when git's request announced `capability[]=authtype` (git ≥ 2.46). */
export function hasAuthtypeCapability(request: Pick<CredentialRequest, "lists">): boolean {
  return request.lists.capability?.includes("authtype") === true;
}

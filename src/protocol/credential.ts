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

/** Anything that can answer a pattern with a credential: env tokens, the cache, a store. */
export interface TokenSource {
  /** Shown to people ("env GH_TOKEN", "keychain", "cache"). */
  readonly name: string;
  get(pattern: Credential, options?: LookupOptions): Promise<ResolvedCredential | undefined>;
}

/**
 * What a source answers: username and password, or (git ≥ 2.46, from the cache) an authtype and
 * its credential, with whatever else it keeps (expiry, refresh token). Only the reply fields of
 * attributes.ts ever reach git.
 */
export type ResolvedCredential = Credential;

/** True when git's request announced `capability[]=authtype` (git ≥ 2.46). */
export function hasAuthtypeCapability(request: Pick<CredentialRequest, "lists">): boolean {
  return request.lists.capability?.includes("authtype") === true;
}

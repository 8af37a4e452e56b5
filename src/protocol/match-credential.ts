import { type Credential, SLOT_FIELDS } from "./attributes.js";

export interface MatchOptions {
  /**
   * The pattern's password (and `credential`, git ≥ 2.46) must equal the entry's too: erase
   * uses it, so a stale token never removes a newer one.
   */
  matchPassword?: boolean;
  /**
   * The entry's path must be the pattern's, absence included: a pattern without a path then
   * matches only host-wide entries. Used when the helper looks a repository's request up
   * host-wide for an account (routeRequest), so a token stored for another repository's path is
   * never served to this one.
   */
  exactPath?: boolean;
  /**
   * An entry whose password expired at or before this time (epoch ms) does not match: git ≥ 2.40
   * drops such a credential itself, and an older git would try it and fail. A `get` looks up
   * with it; an erase does not (git must be able to remove an expired token).
   */
  liveAtMs?: number;
}

/**
 * git's credential_match, the one matching rule for every store and the cache: each of
 * protocol, host, path and username that the pattern carries must equal the entry's;
 * a field missing from the pattern matches anything (an empty string is a value, and
 * matches only an empty string). See MatchOptions for the two stricter forms.
 */
export function matchCredential(pattern: Credential, entry: Credential, options: MatchOptions = {}): boolean {
  for (const field of SLOT_FIELDS) {
    const want = pattern[field];
    if (want !== undefined && entry[field] !== want) return false;
  }
  if (options.exactPath && pattern.path === undefined && entry.path !== undefined) return false;
  const { liveAtMs } = options;
  if (
    liveAtMs !== undefined &&
    entry.passwordExpiresAtMs !== undefined &&
    entry.passwordExpiresAtMs <= liveAtMs
  )
    return false;
  if (options.matchPassword) {
    for (const field of ["password", "authCredential"] as const) {
      const want = pattern[field];
      if (want !== undefined && entry[field]?.equals(want) !== true) return false;
    }
  }
  return true;
}

import type { Credential } from "./credential.js";

/**
 * git's credential_match, the one matching rule for every store and the cache: each of
 * protocol, host, path and username that the pattern carries must equal the entry's;
 * a field missing from the pattern matches anything (an empty string is a value, and
 * matches only an empty string). With `matchPassword`, a pattern password must equal too
 * (used by erase, so a stale token never removes a newer one).
 */
export function matchCredential(
  pattern: Credential,
  entry: Credential,
  options: { matchPassword: boolean } = { matchPassword: false },
): boolean {
  for (const field of ["protocol", "host", "path", "username"] as const) {
    const want = pattern[field];
    if (want !== undefined && entry[field] !== want) return false;
  }
  if (options.matchPassword && pattern.password !== undefined) {
    return entry.password?.equals(pattern.password) === true;
  }
  return true;
}

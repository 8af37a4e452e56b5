// request → token: asks each source in order (environment, cache, store) and says which answered.
import { type Credential, type LookupOptions, slotOf } from "../protocol/index.js";

/** Anything that can answer a pattern with a credential: env tokens, the cache, a store. */
export interface TokenSource {
  /** Shown to people ("env GH_TOKEN", "keychain", "cache"). */
  readonly name: string;
  get(pattern: Credential, options?: LookupOptions): Promise<ResolvedCredential | undefined>;
}

/**
 * What a source answers: username and password, or (git ≥ 2.46, from the cache) an authtype and
 * its credential, with whatever else it keeps (expiry, refresh token). Only the reply fields of
 * protocol/attributes.ts ever reach git.
 */
export type ResolvedCredential = Credential;

export type Resolution =
  | { kind: "found"; credential: ResolvedCredential; source: string }
  | { kind: "none"; reason: string };

/**
 * Finds the token for a request. A request without protocol or host gets nothing (git always
 * sends both). Only the request's slot (protocol, host, path, username) is the lookup pattern.
 */
export async function resolveToken(
  request: Credential,
  sources: readonly TokenSource[],
  options?: LookupOptions,
): Promise<Resolution> {
  if (!request.protocol || !request.host) return { kind: "none", reason: "request has no protocol or host" };
  const pattern = slotOf(request);
  for (const source of sources) {
    const credential = await source.get(pattern, options);
    if (credential) return { kind: "found", credential, source: source.name };
  }
  return { kind: "none", reason: "no stored token matches" };
}

// request → token: asks each source in order (environment, cache, store) and says which answered.
import type { Credential } from "../protocol/index.js";
import type { Secret } from "../secret.js";

/** Anything that can answer a pattern with a credential: env tokens, the cache, a store. */
export interface TokenSource {
  /** Shown to people ("env GH_TOKEN", "keychain", "cache"). */
  readonly name: string;
  get(pattern: Credential): Promise<ResolvedCredential | undefined>;
}

export interface ResolvedCredential {
  username: string;
  password: Secret;
  passwordExpiresAtMs?: number;
}

export type Resolution =
  | { kind: "found"; credential: ResolvedCredential; source: string }
  | { kind: "none"; reason: string };

/**
 * Finds the token for a request. A request without protocol or host gets nothing (git
 * always sends both). The request's password is not part of the lookup pattern.
 */
export async function resolveToken(
  request: Credential,
  sources: readonly TokenSource[],
): Promise<Resolution> {
  if (!request.protocol || !request.host) return { kind: "none", reason: "request has no protocol or host" };
  const { password: _password, passwordExpiresAtMs: _expiry, ...pattern } = request;
  for (const source of sources) {
    const credential = await source.get(pattern);
    if (credential) return { kind: "found", credential, source: source.name };
  }
  return { kind: "none", reason: "no stored token matches" };
}

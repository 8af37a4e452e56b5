// request → token: asks each source in order (environment, cache, store) and says which answered.
import {
  type Credential,
  type LookupOptions,
  type ResolvedCredential,
  slotOf,
  type TokenSource,
} from "../protocol/index.js";

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

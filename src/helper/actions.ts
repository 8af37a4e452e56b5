// git's three actions against the resolved sources and the persistent store.
import { PatError } from "../errors.js";
import type { Io } from "../platform/deps.js";
import {
  type CredentialRequest,
  findUnsafeField,
  isSafeTransport,
  printable,
  serializeCredential,
} from "../protocol/index.js";
import { resolveToken, type TokenSource } from "../resolve/resolve-token.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import type { CacheLike } from "./tolerant-cache.js";

/** Prints username/password(/expiry) for the first source that has a match; nothing otherwise. */
export async function helperGet(
  request: CredentialRequest,
  sources: readonly TokenSource[],
  io: Io,
): Promise<void> {
  const resolution = await resolveToken(request, sources);
  if (resolution.kind === "none") return;
  // Built whole before writing, so a failure never leaves git half a reply.
  io.out.write(serializeCredential(resolution.credential));
}

/**
 * Keeps what git sends after a successful authentication. Like git's credential-cache, a
 * request without username or password is ignored; unlike it, a token is never kept for
 * plain http to a real host.
 */
export interface StoreTargets {
  cache: CacheLike | undefined;
  timeoutSeconds: number;
  store: TokenStore | undefined;
}

export async function helperStore(request: CredentialRequest, targets: StoreTargets, io: Io): Promise<void> {
  const { protocol, host, username, password } = request;
  if (!protocol || !host || username === undefined || password === undefined) return;
  if (!isSafeTransport(protocol, host)) {
    io.err.write(
      `${printable(
        `git-credential-pat: not storing a token for ${protocol}://${host}: tokens are kept only for https`,
      )}\n`,
    );
    return;
  }
  const unsafe = findUnsafeField(request);
  if (unsafe)
    throw new PatError(`refusing to store a credential whose ${unsafe} contains a control character`);
  const credential: StoredCredential = { protocol, host, username, password };
  if (request.path !== undefined) credential.path = request.path;
  if (request.passwordExpiresAtMs !== undefined) credential.passwordExpiresAtMs = request.passwordExpiresAtMs;
  // The store first: a token the store refuses must not be served from the cache either.
  await targets.store?.store(credential);
  await targets.cache?.store(credential, targets.timeoutSeconds);
}

/** Removes matching tokens; an empty pattern (no protocol or host) erases nothing, as in credential-store. */
export async function helperErase(
  request: CredentialRequest,
  targets: Pick<StoreTargets, "cache" | "store">,
): Promise<void> {
  if (!request.protocol || !request.host) return;
  const { lists: _lists, passwordExpiresAtMs: _expiry, ...pattern } = request;
  await targets.cache?.erase(pattern);
  await targets.store?.erase(pattern);
}

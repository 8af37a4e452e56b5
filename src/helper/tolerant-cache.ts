// In front of a persistent store the cache is an optimisation: when it fails (unsafe socket
// directory, a hung daemon) say so once and carry on with the store instead of failing git.
import type { SocketCacheClient } from "../cache/client.js";
import type { Writer } from "../platform/deps.js";
import { printable } from "../protocol/index.js";

export type CacheLike = Pick<SocketCacheClient, "name" | "get" | "store" | "erase">;

export function tolerantCache(cache: CacheLike, err: Writer): CacheLike {
  let warned = false;
  const warn = (error: unknown) => {
    if (warned) return undefined;
    warned = true;
    const message = error instanceof Error ? error.message : String(error);
    err.write(`git-credential-pat: warning: cache skipped: ${printable(message)}\n`);
    return undefined;
  };
  return {
    name: cache.name,
    get: (pattern, options) => cache.get(pattern, options).catch(warn),
    store: (credential, timeoutSeconds) => cache.store(credential, timeoutSeconds).catch(warn),
    erase: (pattern) => cache.erase(pattern).catch(warn),
  };
}

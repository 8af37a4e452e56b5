// What the daemon does for each action, separate from the socket so tests can call it directly.

import { serializeCredential } from "../protocol/index.js";
import type { StoredCredential } from "../stores/token-store.js";
import type { CacheTable } from "./cache-table.js";
import type { CacheAction, CacheRequest } from "./wire.js";

export type CacheHandlers = Record<CacheAction, (request: CacheRequest, now: number) => string>;

export function createCacheHandlers(table: CacheTable, onExit: () => void): CacheHandlers {
  return {
    get: ({ credential }, now) => {
      if (!credential.protocol || !credential.host) return "";
      const { password: _password, ...pattern } = credential;
      const found = table.get(pattern, now);
      return found ? serializeCredential(found) : "";
    },
    store: ({ credential, timeoutSeconds }, now) => {
      // As git's daemon: a credential without username or password is not cached.
      const { protocol, host, username, password } = credential;
      if (protocol && host && username !== undefined && password !== undefined && timeoutSeconds > 0) {
        table.put(
          { ...credential, protocol, host, username, password } as StoredCredential,
          timeoutSeconds * 1000,
          now,
        );
      }
      return "";
    },
    erase: ({ credential }, now) => {
      if (credential.protocol && credential.host) table.erase(credential, now);
      return "";
    },
    exit: () => {
      onExit();
      return "";
    },
  };
}

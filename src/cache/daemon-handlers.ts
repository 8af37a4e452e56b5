// What the cache daemon does for each action: git's credential-cache--daemon serve_one_client.
import { replyFields, serializeCredential, serializeList } from "../protocol/index.js";
import type { CachedCredential, CacheTable } from "./cache-table.js";
import { type CacheAction, type CacheRequest, EXACT_PATH_ECHO } from "./wire.js";

export type CacheHandlers = Record<CacheAction, (request: CacheRequest, now: number) => string>;

export function createCacheHandlers(table: CacheTable, onExit: () => void): CacheHandlers {
  return {
    get: ({ credential, hasAuthtype = false, exactPath }, now) => {
      if (!credential.protocol || !credential.host) return "";
      const found = table.get(credential, now, { exactPath });
      if (!found) return "";
      // As git's daemon: authtype and credential only for a client that announced the capability.
      // The echo tells the client this daemon honoured exactPath (wire.ts).
      const echo = exactPath ? EXACT_PATH_ECHO : "";
      return (
        serializeList("capability", ["authtype"]) +
        echo +
        serializeCredential(found, replyFields(hasAuthtype))
      );
    },
    store: ({ credential, timeoutSeconds }, now) => {
      // As git's daemon: a credential with neither username and password nor authtype or
      // credential is partial, and an ephemeral one is never cached.
      const { protocol, host, username, password, authtype, authCredential, isEphemeral } = credential;
      const isComplete =
        (username !== undefined && password !== undefined) ||
        authtype !== undefined ||
        authCredential !== undefined;
      if (protocol && host && isComplete && !isEphemeral && timeoutSeconds > 0) {
        table.put(credential as CachedCredential, timeoutSeconds * 1000, now);
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

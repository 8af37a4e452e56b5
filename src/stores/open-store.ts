// Picks the persistent store: --store, then $GIT_CREDENTIAL_PAT_STORE, then config.json, then keychain.

import { UsageError } from "../errors.js";
import { withLockFile } from "../lease-lock.js";
import type { Deps } from "../platform/deps.js";
import { dirnamePath, joinPath } from "../posix-path.js";
import { ensurePrivateDir } from "../private-files.js";
import {
  APP_DIR,
  type CheckedPath,
  type Config,
  checkUserPath,
  configFilePath,
  DEFAULTS,
  defaultStoreFile,
  ENV,
  KEYRING_WATCHDOG_GRACE_MS,
  okPath,
  positiveInt,
  STORE_NAMES,
  type StoreName,
} from "../settings.js";
import { FileTokenStore } from "./file-store.js";
import { KeyringTokenStore } from "./keyring-store.js";
import { MemoryTokenStore } from "./memory-store.js";
import type { TokenStore } from "./token-store.js";

/** Where the store's name came from, in precedence order. */
export type StoreSource = "flag" | "env" | "config" | "default";

/** The store's name as configured (not yet checked) and which setting gave it: the precedence rule itself. */
export function storeSetting(
  flag: string | undefined,
  config: Config,
  env: Deps["env"],
): { value: string; source: StoreSource } {
  if (flag !== undefined) return { value: flag, source: "flag" };
  const fromEnv = env[ENV.store];
  if (fromEnv) return { value: fromEnv, source: "env" };
  return config.store === undefined
    ? { value: DEFAULTS.store, source: "default" }
    : { value: config.store, source: "config" };
}

export function chooseStoreName(flag: string | undefined, config: Config, env: Deps["env"]): StoreName {
  const { value, source } = storeSetting(flag, config, env);
  if (!STORE_NAMES.includes(value as StoreName)) {
    const setting = source === "flag" ? "--store" : source === "env" ? ENV.store : "config";
    throw new UsageError(`${setting} must be one of ${STORE_NAMES.join(", ")} (got "${value}")`);
  }
  return value as StoreName;
}

/** The file store's path: $GIT_CREDENTIAL_PAT_FILE, else config.json's "file", else the default (see checkUserPath). */
export function checkStoreFilePath(
  config: Config,
  deps: Pick<Deps, "env" | "paths">,
): { kind: "ok"; path: string; isDefault: boolean } | Extract<CheckedPath, { kind: "refused" }> {
  const fromEnv = deps.env[ENV.file];
  const custom = fromEnv || config.file;
  if (!custom) return { kind: "ok", path: defaultStoreFile(deps.paths), isDefault: true };
  const setting = fromEnv ? ENV.file : `"file" in ${configFilePath(deps)}`;
  const checked = checkUserPath(custom, setting, deps.paths);
  return checked.kind === "ok" ? { ...checked, isDefault: false } : checked;
}

/** checkStoreFilePath, throwing (exit 1) when the configured path is refused. */
export function storeFilePath(
  config: Config,
  deps: Pick<Deps, "env" | "paths">,
): { path: string; isDefault: boolean } {
  return okPath(checkStoreFilePath(config, deps));
}

export async function openStore(name: StoreName, config: Config, deps: Deps): Promise<TokenStore> {
  switch (name) {
    case "file": {
      const { path, isDefault } = storeFilePath(config, deps);
      return new FileTokenStore(
        {
          path,
          // Our own directory must be private; a user-chosen file (e.g. ~/.git-credentials) may live in $HOME.
          dirPolicy: isDefault ? "private" : "shared-parent",
          lockTimeoutMs: positiveInt(deps.env[ENV.lockTimeoutMs], DEFAULTS.lockTimeoutMs),
        },
        deps,
      );
    }
    case "memory":
      return new MemoryTokenStore();
    case "keychain":
      // The native addon behind deps.keyring loads on the first keychain call, not here.
      return new KeyringTokenStore({
        keyring: deps.keyring,
        warn: (message) => deps.io.err.write(`git-credential-pat: warning: ${message}\n`),
        exclusive: (run) => withKeychainLock(run, deps),
      });
  }
}

/**
 * Serialises keychain writes among this user's helper processes with a lock file next to the
 * cache socket ($XDG_RUNTIME_DIR: it goes away with the session, as the keyring's unlock does).
 * The holder stamps the lock while its event loop runs; only the keyring's blocking D-Bus connect
 * stops that loop, and the keyring watchdog ends such a call (SIGKILL) at the keyring timeout
 * plus its grace. A lock left unstamped for a further second was left by a killed process.
 */
async function withKeychainLock<T>(run: () => Promise<T>, deps: Deps): Promise<T> {
  const lockPath = joinPath(deps.paths.runtimeDir ?? deps.paths.xdgCacheHome, APP_DIR, "keychain.lock");
  await ensurePrivateDir(dirnamePath(lockPath), "private", deps);
  const keyringTimeoutMs = positiveInt(deps.env[ENV.keyringTimeoutMs], DEFAULTS.keyringTimeoutMs);
  return withLockFile(
    lockPath,
    {
      timeoutMs: positiveInt(deps.env[ENV.lockTimeoutMs], DEFAULTS.lockTimeoutMs),
      staleMs: keyringTimeoutMs + KEYRING_WATCHDOG_GRACE_MS + 1000,
    },
    run,
    deps,
  );
}

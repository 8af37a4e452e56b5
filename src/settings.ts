// Every environment variable and config key we read, with its default (GCM's Settings).

import { PatError, UsageError } from "./errors.js";
import { joinPath, normalizeAbsolutePath, type PathStyle } from "./posix-path.js";

export const ENV = {
  /** Overrides the config directory ($XDG_CONFIG_HOME/git-credential-pat). */
  configDir: "GIT_CREDENTIAL_PAT_CONFIG_DIR",
  /** keychain | file | memory; --store wins over it, it wins over the config file. */
  store: "GIT_CREDENTIAL_PAT_STORE",
  /** Path of the file store; wins over the config file's "file". */
  file: "GIT_CREDENTIAL_PAT_FILE",
  /** Any non-empty value other than 0 turns on debug logging (scrubbed) on stderr. */
  debug: "GIT_CREDENTIAL_PAT_DEBUG",
  /** How long a writer waits for the file store's lock. */
  lockTimeoutMs: "GIT_CREDENTIAL_PAT_LOCK_TIMEOUT_MS",
  /** How long one keychain call may take before we give up (a locked keyring can block forever). */
  keyringTimeoutMs: "GIT_CREDENTIAL_PAT_KEYRING_TIMEOUT_MS",
  /** A token expiring within this many days gets a warning on `get` (once a day); 0 turns the warning off. */
  expiryWarningDays: "GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS",
  /** How long one GitHub API request (login, verify, rotate) may take, body included. */
  apiTimeoutMs: "GIT_CREDENTIAL_PAT_API_TIMEOUT_MS",
  /** 1 (or true/yes/on): keep and serve tokens for plain http to any host, as config.json "allowHttp" does. */
  allowHttp: "GIT_CREDENTIAL_PAT_ALLOW_HTTP",
  /**
   * 0 (or anything but 1/true/yes/on) turns off learning about a token git stores (login, scopes,
   * expiry, asked of the API in the background); wins over config.json "learn".
   */
  learn: "GIT_CREDENTIAL_PAT_LEARN",
  /** How long the background learning after a `store` may take in all, API request included. */
  learnTimeoutMs: "GIT_CREDENTIAL_PAT_LEARN_TIMEOUT_MS",
} as const;

/** The persistent stores people can pick (--store, $GIT_CREDENTIAL_PAT_STORE, config.json "store"). */
export type StoreName = "keychain" | "file" | "memory";
export const STORE_NAMES: readonly StoreName[] = ["keychain", "file", "memory"];

export const DEFAULTS = {
  store: "keychain",
  cacheTimeoutSeconds: 900,
  lockTimeoutMs: 5000,
  keyringTimeoutMs: 3000,
  /** git writes the whole request at once; this bound only protects against a caller that never closes stdin. */
  stdinTimeoutMs: 10_000,
  expiryWarningDays: 7,
  /** GitHub answers GET /user well within this; a slow GHES link may need more. */
  apiTimeoutMs: 10_000,
  /**
   * How long a `get` waits for the warnings state file's lock: the state only decides whether
   * to repeat a warning, so git is never held up for it.
   */
  stateLockTimeoutMs: 250,
  /**
   * The learner started by `store` ends within this, whatever it waits on (the API, a lock, the
   * keychain): nothing waits for it, so nothing else would end it.
   */
  learnTimeoutMs: 30_000,
} as const;

/**
 * How long after the keyring timeout the keychain watchdog ends a call still stuck in the addon
 * (it first lets the call's own timeout report cleanly). The keychain lock relies on it too.
 */
export const KEYRING_WATCHDOG_GRACE_MS = 1000;

export const APP_DIR = "git-credential-pat";

/**
 * The XDG base directories (and home) everything else is placed under: read from the
 * environment once, with the XDG defaults, by platform/node-deps.ts (Deps.paths). The same
 * layout on every platform, as git keeps ~/.config/git on macOS and Windows too; on Windows
 * the home directory is $HOME, else %USERPROFILE% (Git for Windows' rule), and every path is
 * spelled with forward slashes ("C:/Users/me/.config").
 */
export interface Paths {
  /** How an absolute path is spelled here: "/…", or on Windows "C:/…" (posix-path.ts PathStyle). */
  pathStyle: PathStyle;
  home: string;
  xdgConfigHome: string;
  xdgDataHome: string;
  xdgCacheHome: string;
  /** $XDG_STATE_HOME (default ~/.local/state): small state such as when we last warned about an expiry. */
  xdgStateHome: string;
  /** $XDG_RUNTIME_DIR when set. */
  runtimeDir: string | undefined;
  // No working directory: git runs helpers inside the repository, so no path we read is
  // relative to it (settings.ts checkUserPath).
}

/** config.json's keys (config/config-file.ts reads and checks the file). */
export interface Config {
  store?: StoreName;
  /** Path of the file store. */
  file?: string;
  /** Keep and serve tokens for plain http to real hosts too (off: https, and http to loopback only). */
  allowHttp?: boolean;
  /**
   * Ask GitHub's API, in the background, whose a token git stores is, its scopes and its expiry
   * (default true; false: never, and `store` never reads accounts.json or starts a process).
   */
  learn?: boolean;
}

export function configFilePath(deps: {
  env: Readonly<Record<string, string | undefined>>;
  paths: Paths;
}): string {
  return joinPath(configDir(deps.env, deps.paths), "config.json");
}

export function configDir(env: Readonly<Record<string, string | undefined>>, paths: Paths): string {
  return okPath(checkConfigDir(env, paths)).path;
}

/** configDir, or why $GIT_CREDENTIAL_PAT_CONFIG_DIR cannot be used (for doctor). */
export function checkConfigDir(env: Readonly<Record<string, string | undefined>>, paths: Paths): CheckedPath {
  const custom = env[ENV.configDir];
  return custom
    ? checkUserPath(custom, ENV.configDir, paths)
    : { kind: "ok", path: joinPath(paths.xdgConfigHome, APP_DIR) };
}

/** A configured path as we read it: absolute, or refused with the problem and its fix. */
export type CheckedPath = { kind: "ok"; path: string } | { kind: "refused"; problem: string; fix: string };

/**
 * A path from config.json, the environment or a flag, read as git reads such paths
 * (path.c expand_user_path): `~` and `~/…` are under the home directory, an absolute path is
 * taken as it is. Anything else is refused: git runs helpers in the repository, so a relative
 * path would put the token file (or the socket) in the working tree, where `git add -A`
 * commits it. `~user/…` is refused too: the user database is not worth a lookup on git's path.
 * On Windows "absolute" means a drive or a share ("C:\…", "C:/…", "\\server\share\…"),
 * `~\…` is under the home directory too (git's is_dir_sep), and the result has forward slashes.
 */
export function checkUserPath(
  value: string,
  setting: string,
  paths: Pick<Paths, "home" | "pathStyle">,
): CheckedPath {
  const quoted = JSON.stringify(value);
  const style = paths.pathStyle;
  const isHomeRelative =
    value === "~" || value.startsWith("~/") || (style === "win32" && value.startsWith("~\\"));
  let absolute = value;
  if (isHomeRelative) {
    if (normalizeAbsolutePath(paths.home, style) === undefined) {
      return {
        kind: "refused",
        problem: `${setting} starts with ~/ (${quoted}) and HOME is not an absolute path`,
        fix: "set HOME, or use an absolute path",
      };
    }
    absolute = `${paths.home}/${value.slice(1)}`;
  } else if (value.startsWith("~")) {
    return {
      kind: "refused",
      problem: `${setting} names another user's home directory (${quoted}), which is not supported`,
      fix: "use an absolute path",
    };
  }
  // Absolute by now, or refused: normalised, without a trailing slash.
  const normalized = normalizeAbsolutePath(absolute, style);
  if (normalized === undefined) {
    return {
      kind: "refused",
      problem: `${setting} is a relative path (${quoted})`,
      fix:
        style === "win32"
          ? "use an absolute path with a drive (C:/…) or one starting with ~/"
          : "use an absolute path or one starting with ~/",
    };
  }
  return { kind: "ok", path: normalized };
}

/**
 * checkUserPath, throwing when refused: a UsageError (exit 2) for a flag, else a PatError
 * (exit 1, a configuration problem). One line: the setting, the value and the fix.
 */
export function userPath(
  value: string,
  setting: string,
  paths: Pick<Paths, "home" | "pathStyle">,
  options: { isFlag?: boolean } = {},
): string {
  return okPath(checkUserPath(value, setting, paths), options).path;
}

/** The path, or the refusal thrown as one line: the setting, the value and the fix. */
export function okPath<T extends CheckedPath>(
  checked: T,
  options: { isFlag?: boolean } = {},
): Extract<T, { kind: "ok" }> {
  if (checked.kind === "ok") return checked as Extract<T, { kind: "ok" }>;
  const message = `${checked.problem}; ${checked.fix}`;
  throw options.isFlag ? new UsageError(message) : new PatError(message);
}

/** Small state that is neither config nor data: $XDG_STATE_HOME/git-credential-pat. */
export function stateDir(paths: Paths): string {
  return joinPath(paths.xdgStateHome, APP_DIR);
}

/** Default file store: data, not config, so it sits under $XDG_DATA_HOME (never in the config dir, which holds no tokens). */
export function defaultStoreFile(paths: Paths): string {
  return joinPath(paths.xdgDataHome, APP_DIR, "credentials");
}

export function isDebug(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[ENV.debug];
  return value !== undefined && value !== "" && value !== "0";
}

/** A whole number above 0 (a timeout, a bound); 0 or anything but digits means `fallback`. */
export function positiveInt(value: string | undefined, fallback: number): number {
  const number = wholeNumber(value, fallback);
  return number === 0 ? fallback : number;
}

/** A whole number, 0 included; anything but digits means `fallback`. */
function wholeNumber(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value)) return fallback;
  return Number(value);
}

/** GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS: the warning's lead time in days; 0 turns the warning off. */
export function expiryWarningDays(env: Readonly<Record<string, string | undefined>>): number {
  return wholeNumber(env[ENV.expiryWarningDays], DEFAULTS.expiryWarningDays);
}

/** setTimeout's (and so AbortSignal.timeout's) largest delay; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** GIT_CREDENTIAL_PAT_API_TIMEOUT_MS: 0 or anything but digits means the default; at most ~24 days. */
export function apiTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  return Math.min(positiveInt(env[ENV.apiTimeoutMs], DEFAULTS.apiTimeoutMs), MAX_TIMER_MS);
}

/** GIT_CREDENTIAL_PAT_LEARN_TIMEOUT_MS: 0 or anything but digits means the default; at most ~24 days. */
export function learnTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  return Math.min(positiveInt(env[ENV.learnTimeoutMs], DEFAULTS.learnTimeoutMs), MAX_TIMER_MS);
}

/**
 * What a child of ours needs on Windows beyond its allow-list: SystemRoot (without it Winsock, and
 * with it node:net, fails to start; System32 programs are found there), and the profile
 * directories the user's paths are derived from. Harmless elsewhere: they are not set there.
 */
export const WINDOWS_CHILD_ENV = ["SystemRoot", "USERPROFILE", "APPDATA", "LOCALAPPDATA"] as const;

/** gh's token variables (env-token-source.ts reads them): never handed to a child. */
export const TOKEN_ENV = [
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "GH_ENTERPRISE_TOKEN",
  "GITHUB_ENTERPRISE_TOKEN",
] as const;

/**
 * The variables of `names` that are set, and no others: the environment a child may see. A token
 * variable is left out even when `names` lists it, so no allow-list can ever pass one on.
 */
export function pickEnv(
  env: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): Record<string, string> {
  const isToken = (name: string) => (TOKEN_ENV as readonly string[]).includes(name.toUpperCase());
  return Object.fromEntries(
    names.flatMap((name) => (env[name] === undefined || isToken(name) ? [] : [[name, env[name] as string]])),
  );
}

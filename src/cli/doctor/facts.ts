// The thin I/O layer of `doctor`: asks git, the file system, the keychain and the accounts
// file, and returns plain facts. Every judgement is made later by the pure checks in
// doctor-checks.ts. Tokens are read (to confirm they are there) but never kept in the facts.
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Account, AccountsData } from "../../accounts/account.js";
import { accountsFilePath, loadAccountsData } from "../../accounts/accounts-file.js";
import { defaultSocketPath } from "../../cache/socket-path.js";
import { type Config, configFilePath, loadConfig } from "../../config/config-file.js";
import { hintOf } from "../../errors.js";
import { type ConfigEntry, inspectConfig, originFile } from "../../git/inspect-config.js";
import { type GitVersion, inspectGitVersion, isGitAtLeast } from "../../git/inspect-git-version.js";
import { helperChain, helperOption, helperUrls, inspectHelper } from "../../git/inspect-helper.js";
import { runGit } from "../../git/run-git.js";
import type { Deps } from "../../platform/deps.js";
import { fingerprint, type Secret } from "../../secret.js";
import {
  type CheckedPath,
  checkConfigDir,
  checkUserPath,
  DEFAULTS,
  ENV,
  positiveInt,
} from "../../settings.js";
import { envTokens } from "../../stores/env-token-source.js";
import { KEYCHAIN_SERVICE, parseKeychainAccount, parseKeychainSecret } from "../../stores/keyring-store.js";
import {
  checkStoreFilePath,
  chooseStoreName,
  openStore,
  type StoreSource,
  storeSetting,
} from "../../stores/open-store.js";
import type { StoreName } from "../../stores/token-store.js";
import { type StoredToken, storedTokens } from "../stored-tokens.js";

export type StatFact =
  | { kind: "missing" }
  | { kind: "error"; code: string }
  | { kind: "file" | "dir" | "socket" | "other"; mode: number; uid: number }
  /** The configured path itself is unusable (relative, ~user): `path` is the value as configured. */
  | { kind: "refused"; problem: string; fix: string };

export type FileRole =
  | "config dir"
  | "config file"
  | "accounts file"
  | "store dir"
  | "store file"
  | "socket dir"
  | "socket";

export interface PathFact {
  role: FileRole;
  path: string;
  /** "private": no group/other bits; "shared-parent": only no group/other write (a user-chosen file's directory, like $HOME). */
  policy: "private" | "shared-parent";
  /** Ours: we create it, so `--fix` may chmod it. A user-chosen path is only reported. */
  isOurs: boolean;
  stat: StatFact;
}

export interface RepoFacts {
  /** The submodule's path as the user sees it (relative to the current directory); undefined for the current repository. */
  displayPath: string | undefined;
  /** Absolute directory to run git in (`-C`); undefined for the current repository. */
  dir: string | undefined;
  /** remote.*.url / pushurl, submodule.*.url and url.* rewrite entries, with origin files made absolute. */
  entries: ConfigEntry[];
}

export type RepositoryFacts =
  | {
      kind: "none";
      reason: string;
      /** git could not look (dubious ownership, a broken .git), as opposed to "not in a repository". */
      isError?: boolean;
    }
  | {
      kind: "repo";
      gitDir: string;
      /** The current repository first, then each checked-out submodule (recursively). */
      repos: RepoFacts[];
      /** `submodule.<name>.url` entries of the top-level .gitmodules. */
      gitmodules: ConfigEntry[];
      /** Set when `git submodule foreach` failed: the submodules were not looked at. */
      submoduleError?: string;
    };

export type StoredState = "present" | "missing" | "different" | "unknown";

export interface TokenFact {
  account: Account;
  /** Whether its store holds a token for it, and whether it is the token the metadata describes. */
  stored: StoredState;
}

/** Where git-credential-pat keeps tokens, and what chose it. */
export interface StoreUse {
  store: string;
  source: string;
}

export interface DoctorFacts {
  nowMs: number;
  soonDays: number;
  /** This process's uid, to spot files owned by someone else; undefined on Windows. */
  uid: number | undefined;
  /** Paths this program runs from, to recognise it in credential.helper. */
  selfPaths: string[];
  git:
    | { kind: "missing"; message: string }
    | { kind: "found"; version: GitVersion | undefined; output: string; configError?: string };
  /** credential.*helper and url.* entries as git reads them from here (also outside a repository). */
  config: ConfigEntry[];
  /** The file `git config --global` edits (for the fix commands shown). */
  globalConfigFile: string;
  /** Hosts with a token (accounts and environment), lower case. */
  tokenHosts: string[];
  /** The hosts whose helper chain is checked: every host with a token, else github.com. */
  helperHosts: string[];
  /** Per host: the `credential.<url>` subsections git itself says match https://HOST. */
  helperMatches: Record<string, string[]>;
  /** Whether `git credential-pat` runs; only asked when a helper is configured as plain `pat`. */
  patOnPath: boolean | undefined;
  repository: RepositoryFacts;
  accounts:
    | { kind: "ok"; tokens: TokenFact[] }
    | { kind: "error"; message: string; hint: string | undefined };
  envTokens: Array<{ host: string; variable: string }>;
  /** Every token the stores hold, whoever stored it (a store that cannot be read is left out). */
  storedTokens: StoredToken[];
  configFile: { kind: "ok"; config: Config } | { kind: "error"; message: string; hint: string | undefined };
  stores: StoreUse[];
  keychain:
    | { kind: "ok"; items: number }
    | { kind: "unavailable"; message: string; hint: string | undefined }
    | undefined;
  /** The socket git-credential-pat's cache listens on; undefined when every configured helper has --timeout=0. */
  socketPath: string | undefined;
  files: PathFact[];
}

/** Keys doctor reads from git's config: helpers, remotes, submodule URLs and URL rewrites. */
const CONFIG_REGEX =
  "^(credential\\..*helper|remote\\..*\\.(url|pushurl)|submodule\\..*\\.url|url\\..*\\.(insteadof|pushinsteadof))$";
const REPO_REGEX =
  "^(remote\\..*\\.(url|pushurl)|submodule\\..*\\.url|url\\..*\\.(insteadof|pushinsteadof))$";

const firstLine = (text: string) => text.trim().split("\n")[0] ?? "";
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function gatherDoctorFacts(deps: Deps): Promise<DoctorFacts> {
  const nowMs = deps.clock.now();
  const selfPaths = deps.selfCommand.slice(-1);
  const envFacts = envTokens(deps.env).map(({ host, variable }) => ({ host, variable }));
  const configFile = await loadConfig(deps).then(
    (config) => ({ kind: "ok" as const, config }),
    (error: unknown) => ({ kind: "error" as const, message: errorMessage(error), hint: hintOf(error) }),
  );
  const accounts = await loadAccountsData(deps).then(
    (data) => ({ kind: "ok" as const, list: data.accounts, data }),
    (error: unknown) => ({ kind: "error" as const, message: errorMessage(error), hint: hintOf(error) }),
  );
  const held =
    configFile.kind === "ok" && accounts.kind === "ok"
      ? await heldTokens(configFile.config, accounts.data, deps)
      : [];
  const tokenHosts = [
    ...new Set([
      ...(accounts.kind === "ok" ? accounts.list.map((account) => account.host.toLowerCase()) : []),
      ...held.flatMap(({ credential }) =>
        credential.protocol === "https" ? [credential.host.toLowerCase()] : [],
      ),
      ...envFacts.map((entry) => entry.host),
    ]),
  ];
  const helperHosts = tokenHosts.length > 0 ? tokenHosts : ["github.com"];

  const git = await gatherGit(helperHosts, selfPaths, deps);
  const config = configFile.kind === "ok" ? configFile.config : {};

  // Which store and socket git-credential-pat runs with, as git will start it.
  const ours = helperHosts.flatMap((host) =>
    helperChain(git.config, new Set(git.helperMatches[host] ?? []))
      .map((link) => inspectHelper(link.value, selfPaths))
      .filter((helper) => helper.kind === "pat"),
  );
  const stores = dedupe([
    ...(ours.length === 0
      ? [storeUse(undefined, config, deps)]
      : ours.map((helper) => storeUse(helperOption(helper.args, "store"), config, deps))),
    ...(accounts.kind === "ok"
      ? accounts.list.map((account) => ({
          store: account.store,
          source: `the account ${account.login}@${account.host}`,
        }))
      : []),
  ]);
  const socketPaths = [
    ...new Set(
      (ours.length === 0 ? [[] as string[]] : ours.map((helper) => helper.args))
        .filter((args) => helperOption(args, "timeout") !== "0")
        .map((args) => helperOption(args, "socket")),
    ),
  ];

  const socket = socketPaths.length === 0 ? undefined : configuredSocket(socketPaths[0], deps);
  const keychainItems = stores.some((use) => use.store === "keychain")
    ? await probeKeychain(deps)
    : undefined;
  const tokens =
    accounts.kind === "ok"
      ? await Promise.all(
          accounts.list.map(async (account) => ({
            account,
            stored: await storedState(account, config, keychainItems, deps),
          })),
        )
      : [];

  return {
    nowMs,
    soonDays: positiveInt(deps.env[ENV.expiryWarningDays], DEFAULTS.expiryWarningDays),
    uid: deps.uid,
    selfPaths,
    git: git.git,
    config: git.config,
    globalConfigFile: await globalConfigFile(deps),
    tokenHosts,
    helperHosts,
    helperMatches: git.helperMatches,
    patOnPath: git.patOnPath,
    repository: git.repository,
    accounts: accounts.kind === "ok" ? { kind: "ok", tokens } : accounts,
    envTokens: envFacts,
    storedTokens: held,
    configFile,
    stores,
    keychain:
      keychainItems === undefined
        ? undefined
        : keychainItems.kind === "ok"
          ? { kind: "ok", items: keychainItems.items.length }
          : keychainItems,
    socketPath: socket?.kind === "ok" ? socket.path : undefined,
    files: await gatherFiles(config, stores, socketPaths, deps),
  };
}

/**
 * The tokens the configured store and the accounts' stores hold. A store that cannot be read (no
 * Secret Service) is left out here: the keychain's own finding says why.
 */
async function heldTokens(config: Config, data: AccountsData, deps: Deps): Promise<StoredToken[]> {
  let configured: StoreName | undefined;
  try {
    configured = chooseStoreName(undefined, config, deps.env);
  } catch {
    // A bad store name is reported with the config file.
  }
  const names = [...new Set([configured, ...data.accounts.map((account) => account.store)])].filter(
    (name): name is StoreName => name !== undefined && name !== "memory",
  );
  const held: StoredToken[] = [];
  for (const name of names) {
    try {
      held.push(...(await storedTokens(await openStore(name, config, deps), data)));
    } catch {
      // Unreadable: see above.
    }
  }
  return held;
}

const STORE_SOURCES: Record<StoreSource, string> = {
  flag: "--store in credential.helper",
  env: `$${ENV.store}`,
  config: "config.json",
  default: "default",
};

/** The store a helper with this --store runs with, by the helper's own rule; an unknown name is kept for checkStore. */
function storeUse(flag: string | undefined, config: Config, deps: Deps): StoreUse {
  const { value, source } = storeSetting(flag, config, deps.env);
  return { store: value, source: STORE_SOURCES[source] };
}

function dedupe(uses: StoreUse[]): StoreUse[] {
  return uses.filter((use, index) => uses.findIndex((other) => other.store === use.store) === index);
}

interface GitFacts {
  git: DoctorFacts["git"];
  config: ConfigEntry[];
  helperMatches: Record<string, string[]>;
  patOnPath: boolean | undefined;
  repository: RepositoryFacts;
}

async function gatherGit(
  hosts: readonly string[],
  selfPaths: readonly string[],
  deps: Deps,
): Promise<GitFacts> {
  let versionOutput: string;
  try {
    versionOutput = (await runGit(["version"], deps)).stdout;
  } catch (error) {
    return {
      git: { kind: "missing", message: errorMessage(error) },
      config: [],
      helperMatches: {},
      patOnPath: undefined,
      repository: { kind: "none", reason: "git is not installed" },
    };
  }
  const version = inspectGitVersion(versionOutput);
  // --show-scope is git 2.26; older gits still answer without it.
  const hasScope = version === undefined || isGitAtLeast(version, 2, 26);
  const where = await locateRepository(deps);
  const configResult = await readConfig(CONFIG_REGEX, hasScope, deps);
  const config = absoluteOrigins(configResult.entries, where.kind === "repo" ? where.base : undefined);
  const repository: RepositoryFacts =
    where.kind === "repo" ? await gatherRepository(where, config, hasScope, deps) : where;

  const urls = helperUrls(config);
  const helperMatches: Record<string, string[]> = {};
  for (const host of hosts)
    helperMatches[host] = urls.length === 0 ? [] : await matchingUrls(host, urls, deps);

  const usesShortName = hosts.some((host) =>
    helperChain(config, new Set(helperMatches[host])).some(
      (link) => !/^[!/]/.test(link.value) && inspectHelper(link.value, selfPaths).kind === "pat",
    ),
  );
  const patOnPath = usesShortName
    ? (await runGit(["credential-pat", "--version"], deps)).code === 0
    : undefined;

  return {
    git: {
      kind: "found",
      version,
      output: firstLine(versionOutput),
      ...(configResult.error === undefined ? {} : { configError: configResult.error }),
    },
    config,
    helperMatches,
    patOnPath,
    repository,
  };
}

type Location =
  | Extract<RepositoryFacts, { kind: "none" }>
  | {
      kind: "repo";
      gitDir: string;
      toplevel: string | undefined;
      /** Where git resolves relative config origins: the work tree's top (git chdirs there), else the git dir. */
      base: string;
    };

async function locateRepository(deps: Deps): Promise<Location> {
  const where = await runGit(["rev-parse", "--absolute-git-dir", "--is-bare-repository"], deps);
  if (where.code !== 0) {
    const why = firstLine(where.stderr);
    return /not a git repository/i.test(why)
      ? { kind: "none", reason: "not inside a git repository" }
      : { kind: "none", reason: why || `git rev-parse failed (exit ${where.code})`, isError: true };
  }
  const [gitDir = "", bare] = where.stdout.trim().split("\n");
  const top = bare === "false" ? await runGit(["rev-parse", "--show-toplevel"], deps) : undefined;
  const toplevel = top?.code === 0 ? top.stdout.trim() : undefined;
  return { kind: "repo", gitDir, toplevel, base: toplevel ?? gitDir };
}

const isRepoEntry = (entry: ConfigEntry) => /^(remote|submodule|url)\./.test(entry.key);

async function gatherRepository(
  where: Extract<Location, { kind: "repo" }>,
  config: readonly ConfigEntry[],
  hasScope: boolean,
  deps: Deps,
): Promise<RepositoryFacts> {
  const repository: Extract<RepositoryFacts, { kind: "repo" }> = {
    kind: "repo",
    gitDir: where.gitDir,
    repos: [{ displayPath: undefined, dir: undefined, entries: config.filter(isRepoEntry) }],
    gitmodules: [],
  };
  if (where.toplevel === undefined) return repository;

  // $displaypath is relative to where the user stands; $toplevel/$sm_path is where git runs.
  const foreach = await runGit(
    [
      "submodule",
      "--quiet",
      "foreach",
      "--recursive",
      'printf "%s\\0%s/%s\\0" "$displaypath" "$toplevel" "$sm_path"',
    ],
    deps,
  );
  if (foreach.code !== 0) {
    repository.submoduleError = firstLine(foreach.stderr) || `exit ${foreach.code}`;
  } else {
    const fields = foreach.stdout.split("\0");
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const displayPath = fields[i] as string;
      const dir = fields[i + 1] as string;
      const sub = await readConfig(REPO_REGEX, hasScope, deps, dir);
      repository.repos.push({ displayPath, dir, entries: absoluteOrigins(sub.entries, dir) });
    }
  }
  const gitmodules = await runGit(
    [
      "config",
      "-z",
      "--show-origin",
      "--file",
      join(where.toplevel, ".gitmodules"),
      "--get-regexp",
      "^submodule\\..*\\.url$",
    ],
    deps,
  );
  repository.gitmodules = gitmodules.code === 0 ? inspectConfig(gitmodules.stdout, { hasScope: false }) : [];
  return repository;
}

async function readConfig(
  regex: string,
  hasScope: boolean,
  deps: Deps,
  dir?: string,
): Promise<{ entries: ConfigEntry[]; error?: string }> {
  const args = [
    ...(dir === undefined ? [] : ["-C", dir]),
    "config",
    "-z",
    ...(hasScope ? ["--show-scope"] : []),
    "--show-origin",
    "--get-regexp",
    regex,
  ];
  const result = await runGit(args, deps);
  // Exit 1: no such keys, which is fine.
  if (result.code === 1) return { entries: [] };
  if (result.code !== 0) return { entries: [], error: firstLine(result.stderr) || `exit ${result.code}` };
  return { entries: inspectConfig(result.stdout, { hasScope }) };
}

/** git prints the repository's own config as `file:.git/config`, relative to where it ran. */
function absoluteOrigins(entries: ConfigEntry[], base: string | undefined): ConfigEntry[] {
  return entries.map((entry) => {
    const file = originFile(entry);
    return file === undefined || isAbsolute(file) || base === undefined
      ? entry
      : { ...entry, origin: `file:${resolve(base, file)}` };
  });
}

/**
 * Which `credential.<url>` subsections apply to https://HOST, decided by git itself: the URLs are
 * handed to `git config --file - --get-urlmatch` as sections with one variable each, and git
 * prints the variables of those that match (its own urlmatch.c rules: wildcards, ports, users).
 */
async function matchingUrls(host: string, urls: readonly string[], deps: Deps): Promise<string[]> {
  const quote = (text: string) => text.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
  const input = urls.map((url, index) => `[credential "${quote(url)}"]\n\tprobe${index} = 1\n`).join("");
  const result = await runGit(
    ["config", "--file", "-", "--get-urlmatch", "credential", `https://${host}`],
    deps,
    {
      input,
    },
  );
  if (result.code !== 0) return [];
  return result.stdout.split("\n").flatMap((line) => {
    const index = /^credential\.probe(\d+) /.exec(line)?.[1];
    const url = index === undefined ? undefined : urls[Number(index)];
    return url === undefined ? [] : [url];
  });
}

/** git config --global edits $GIT_CONFIG_GLOBAL, else ~/.gitconfig unless only the XDG file exists (builtin/config.c). */
async function globalConfigFile(deps: Deps): Promise<string> {
  const fromEnv = deps.env.GIT_CONFIG_GLOBAL;
  if (fromEnv) return fromEnv;
  const home = join(deps.paths.home, ".gitconfig");
  const xdg = join(deps.paths.xdgConfigHome, "git", "config");
  const exists = (path: string) =>
    deps.fs.stat(path).then(
      () => true,
      () => false,
    );
  return !(await exists(home)) && (await exists(xdg)) ? xdg : home;
}

type KeychainProbe =
  | { kind: "ok"; items: Array<{ account: string; password: string }> }
  | { kind: "unavailable"; message: string; hint: string | undefined };

/** One harmless listing of our own items: reachable, unlocked, and what it holds. */
async function probeKeychain(deps: Deps): Promise<KeychainProbe> {
  try {
    const keyring = await deps.keyring();
    return { kind: "ok", items: await keyring.findAll(KEYCHAIN_SERVICE) };
  } catch (error) {
    return { kind: "unavailable", message: errorMessage(error), hint: hintOf(error) };
  }
}

async function storedState(
  account: Account,
  config: Config,
  keychain: KeychainProbe | undefined,
  deps: Deps,
): Promise<StoredState> {
  const matches = (host: string, username: string) =>
    host.toLowerCase() === account.host.toLowerCase() &&
    username.toLowerCase() === account.login.toLowerCase();
  let secret: Secret | undefined;
  if (account.store === "keychain") {
    if (keychain?.kind !== "ok") return "unknown";
    const item = keychain.items.find((candidate) => {
      const slot = parseKeychainAccount(candidate.account);
      return slot !== undefined && slot.protocol === "https" && matches(slot.host, slot.username);
    });
    // The item's secret is the token plus the attributes kept beside it (keychainSecret).
    secret = item === undefined ? undefined : parseKeychainSecret(item.password)?.password;
  } else if (account.store === "file") {
    try {
      const store = await openStore("file", config, deps);
      secret = (await store.list()).find(
        (entry) => entry.protocol === "https" && matches(entry.host, entry.username),
      )?.password;
    } catch {
      return "unknown";
    }
  } else {
    return "unknown";
  }
  if (secret === undefined) return "missing";
  return fingerprint(secret) === account.fingerprint ? "present" : "different";
}

async function gatherFiles(
  config: Config,
  stores: readonly StoreUse[],
  /** The --socket of each helper that caches (undefined: the default); the first is checked. */
  sockets: ReadonlyArray<string | undefined>,
  deps: Deps,
): Promise<PathFact[]> {
  const wanted: Array<Omit<PathFact, "stat"> & { refused?: StatFact }> = [];
  // A path configured relative (or as ~user) is reported as it is and never looked at: the
  // helper refuses it too.
  const refused = (role: FileRole, path: string, checked: Extract<CheckedPath, { kind: "refused" }>) =>
    wanted.push({ role, path, policy: "private", isOurs: false, refused: checked });
  const dir = checkConfigDir(deps.env, deps.paths);
  if (dir.kind === "ok") {
    wanted.push(
      { role: "config dir", path: dir.path, policy: "private", isOurs: true },
      { role: "config file", path: configFilePath(deps), policy: "private", isOurs: true },
      { role: "accounts file", path: accountsFilePath(deps), policy: "private", isOurs: true },
    );
  } else refused("config dir", deps.env[ENV.configDir] ?? "", dir);
  if (stores.some((use) => use.store === "file")) {
    const store = checkStoreFilePath(config, deps);
    if (store.kind === "ok") {
      const { path, isDefault } = store;
      wanted.push(
        {
          role: "store dir",
          path: dirname(path),
          policy: isDefault ? "private" : "shared-parent",
          isOurs: isDefault,
        },
        { role: "store file", path, policy: "private", isOurs: isDefault },
      );
    } else refused("store file", deps.env[ENV.file] || config.file || "", store);
  }
  if (sockets.length > 0) {
    const configured = sockets[0];
    const checked = configuredSocket(configured, deps);
    if (checked.kind === "ok") {
      const isDefault = configured === undefined;
      wanted.push(
        { role: "socket dir", path: dirname(checked.path), policy: "private", isOurs: isDefault },
        { role: "socket", path: checked.path, policy: "private", isOurs: isDefault },
      );
    } else refused("socket", configured ?? "", checked);
  }
  return Promise.all(
    wanted.map(async ({ refused, ...fact }) => ({
      ...fact,
      stat: refused ?? (await statFact(fact.path, fact.role, deps)),
    })),
  );
}

/** A helper's --socket as the helper reads it (undefined: the default). */
function configuredSocket(configured: string | undefined, deps: Deps): CheckedPath {
  return configured === undefined
    ? { kind: "ok", path: defaultSocketPath(deps.paths) }
    : checkUserPath(configured, "--socket in credential.helper", deps.paths.home);
}

async function statFact(path: string, role: FileRole, deps: Deps): Promise<StatFact> {
  try {
    // The socket itself is judged as it is; a directory or file may be reached through a symlink.
    const stats = role === "socket" ? await deps.fs.lstat(path) : await deps.fs.stat(path);
    const kind = stats.isDirectory()
      ? "dir"
      : stats.isFile()
        ? "file"
        : stats.isSocket()
          ? "socket"
          : "other";
    return { kind, mode: stats.mode & 0o777, uid: stats.uid };
  } catch (error) {
    const code =
      typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown";
    return code === "ENOENT" ? { kind: "missing" } : { kind: "error", code };
  }
}

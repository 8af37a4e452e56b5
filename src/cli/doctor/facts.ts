// What doctor knows before it judges: the facts each section gathers (gather.ts puts them
// together) and every judgement is made later by the pure checks. Types only: the sections and
// gather.ts import them, so nothing here imports a section. Tokens are never kept in the facts.
import type { Account } from "../../accounts/account.js";
import type { ConfigEntry } from "../../git/inspect-config.js";
import type { GitVersion } from "../../git/inspect-git-version.js";
import type { Config } from "../../settings.js";
import type { StoredToken } from "../stored-tokens.js";

export type GitFact =
  | { kind: "missing"; message: string }
  | { kind: "found"; version: GitVersion | undefined; output: string; configError?: string };

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

export type ConfigFileFact =
  | { kind: "ok"; config: Config }
  | { kind: "error"; message: string; hint: string | undefined };

/** Where git-credential-pat keeps tokens, and what chose it. */
export interface StoreUse {
  store: string;
  source: string;
}

export type StoredState = "present" | "missing" | "different" | "unknown";

export interface TokenFact {
  account: Account;
  /** Whether its store holds a token for it, and whether it is the token the metadata describes. */
  stored: StoredState;
}

export interface DoctorFacts {
  nowMs: number;
  soonDays: number;
  /** This process's uid, to spot files owned by someone else; undefined on Windows. */
  uid: number | undefined;
  /** Paths this program runs from, to recognise it in credential.helper. */
  selfPaths: string[];
  git: GitFact;
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
  /**
   * The platform binary npm installed with this Node build, as setup writes its path (forward
   * slashes on Windows); undefined when there is none or doctor is that binary.
   */
  platformBinary: string | undefined;
  /** Per absolute path of git-credential-pat in a helper git runs for the hosts: whether it is there. */
  helperPaths: Record<string, boolean>;
  repository: RepositoryFacts;
  accounts:
    | { kind: "ok"; tokens: TokenFact[] }
    | { kind: "error"; message: string; hint: string | undefined };
  envTokens: Array<{ host: string; variable: string }>;
  /** Every token the stores hold, whoever stored it (a store that cannot be read is left out). */
  storedTokens: StoredToken[];
  configFile: ConfigFileFact;
  stores: StoreUse[];
  keychain:
    | { kind: "ok"; items: number }
    | { kind: "unavailable"; message: string; hint: string | undefined }
    | undefined;
  /** The socket git-credential-pat's cache listens on; undefined when every configured helper has --timeout=0. */
  socketPath: string | undefined;
  files: PathFact[];
}

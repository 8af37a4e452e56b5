// The judgements of `doctor`: small pure functions from gathered facts to findings, each with
// a status, one line, and the command that fixes it. No I/O; `now` comes in the facts.

import { join } from "node:path";
import type { Account } from "../../accounts/account.js";
import { type ConfigEntry, originFile, splitConfigKey } from "../../git/inspect-config.js";
import { isGitAtLeast } from "../../git/inspect-git-version.js";
import { type Helper, helperChain, inspectHelper } from "../../git/inspect-helper.js";
import { inspectRemoteUrl, type RemoteUrl, redactUrl } from "../../git/inspect-remote-url.js";
import {
  effectivePushUrls,
  inspectUrlRewrites,
  type Rewritten,
  rewriteUrl,
  type UrlRewrite,
} from "../../git/inspect-url-rewrites.js";
import { sshRemoteToHttps } from "../../git/ssh-remote-to-https.js";
import {
  findUrlSecret,
  maskCommand,
  maskUrl,
  secretFreePattern,
  type UrlSecret,
} from "../../git/url-secret.js";
import { octal } from "../../private-files.js";
import { shownName, userSelector } from "../../protocol/index.js";
import { describe, looksLikeToken } from "../../secret.js";
import { STORE_NAMES, type StoreName } from "../../stores/token-store.js";
import { expiryState, formatExpiry, formatScopes, isoDate, kindLabel } from "../format.js";
import type { StoredToken } from "../stored-tokens.js";
import { tokenWarnings } from "../token-warnings.js";
import type { DoctorFacts, FileRole, PathFact, RepoFacts } from "./facts.js";

export type Status = "ok" | "warn" | "fail";

export type Area =
  | "fixes"
  | "git"
  | "credential helpers"
  | "url rewrites"
  | "remotes"
  | "store"
  | "files"
  | "tokens";

/** Report order. */
export const AREAS: readonly Area[] = [
  "fixes",
  "git",
  "credential helpers",
  "url rewrites",
  "remotes",
  "store",
  "files",
  "tokens",
];

/**
 * What `--fix` does for a finding: a git command (argv after `git`; with `onlyIf`, only when
 * `git ONLYIF` exits 0), a chmod of our own path, or removing from a config file every
 * `[url "…"]` section whose name holds a token (git's CLI would need that name on its command line).
 */
export type FixAction =
  | { kind: "git"; args: string[]; onlyIf?: string[] }
  | { kind: "chmod"; path: string; mode: number }
  | { kind: "remove-token-url-sections"; file: string };

export interface Finding {
  area: Area;
  status: Status;
  message: string;
  /** The command that fixes it, as a person would type it. */
  fix?: string;
  /** Set when `--fix` may do it: only git's own commands and chmod of our own files. */
  action?: FixAction;
}

/** Every check, in report order. */
export function checkDoctorFacts(facts: DoctorFacts): Finding[] {
  return [
    ...checkGit(facts),
    ...checkHelpers(facts),
    ...checkUrlRewrites(facts),
    ...checkRemotes(facts),
    ...checkStore(facts),
    ...checkFiles(facts),
    ...checkTokens(facts),
  ];
}

/** A word for a shell command line, quoted only when it needs to be. */
export function quoteArg(word: string): string {
  return /^[\w@%+=:,./~^-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

const command = (words: readonly string[]) => words.map(quoteArg).join(" ");

// --- git -------------------------------------------------------------------------------------

/** `password_expiry_utc` is understood from git 2.40 (credential: new attribute password_expiry_utc). */
const EXPIRY_GIT = { major: 2, minor: 40 } as const;

export function checkGit(facts: Pick<DoctorFacts, "git">): Finding[] {
  const area = "git";
  if (facts.git.kind === "missing") {
    return [{ area, status: "fail", message: facts.git.message, fix: "install git, then run this again" }];
  }
  const findings: Finding[] = [];
  const { version, output } = facts.git;
  if (version === undefined) {
    findings.push({ area, status: "warn", message: `cannot read git's version from "${output}"` });
  } else if (!isGitAtLeast(version, EXPIRY_GIT.major, EXPIRY_GIT.minor)) {
    findings.push({
      area,
      status: "warn",
      message: `git ${version.text} ignores password_expiry_utc (git ${EXPIRY_GIT.major}.${EXPIRY_GIT.minor} or later reads it): git cannot tell when a token expires, and other helpers keep it past its expiry (git-credential-pat itself never hands out an expired token)`,
      fix: `upgrade git to ${EXPIRY_GIT.major}.${EXPIRY_GIT.minor} or later`,
    });
  } else {
    findings.push({ area, status: "ok", message: `git ${version.text}` });
  }
  if (facts.git.configError !== undefined) {
    findings.push({
      area,
      status: "fail",
      message: `git cannot read its configuration: ${facts.git.configError}`,
      fix: "fix the file git names, then run this again",
    });
  }
  return findings;
}

// --- credential helpers ------------------------------------------------------------------------

/** Where a config entry lives, for messages: `(global, /home/u/.gitconfig)`. */
function placeOf(entry: ConfigEntry): string {
  const file = originFile(entry);
  const origin = file ?? entry.origin.replace(/:$/, "");
  return entry.scope === "unknown" ? `(${origin})` : `(${entry.scope}, ${origin})`;
}

/** A config key for messages, with any secret in its URL subsection masked (`credential.https://***@host.helper`). */
function maskedKey(key: string): string {
  const { section, subsection, name } = splitConfigKey(key);
  return subsection === undefined ? key : `${section}.${maskUrl(subsection)}.${name}`;
}

function helperHarm(helper: Helper, host: string): { status: Status; what: string } {
  switch (helper.kind) {
    case "store":
      return {
        status: "fail",
        what: `also receives the token for ${host} and writes it in plaintext to a file (git credential-store)`,
      };
    case "cache":
      return { status: "warn", what: `also keeps the token for ${host} in memory (git credential-cache)` };
    case "keychain":
      return { status: "warn", what: `would also keep the token for ${host}` };
    default:
      return { status: "warn", what: `also receives the token for ${host} whenever git stores it` };
  }
}

export function checkHelpers(
  facts: Pick<DoctorFacts, "git" | "config" | "helperHosts" | "helperMatches" | "patOnPath" | "selfPaths">,
): Finding[] {
  const area = "credential helpers";
  if (facts.git.kind === "missing") return [];
  const fix = "git-credential-pat setup";
  const findings: Finding[] = [];
  for (const host of facts.helperHosts) {
    const chain = helperChain(facts.config, new Set(facts.helperMatches[host] ?? [])).map((link) => ({
      ...link,
      helper: inspectHelper(link.value, facts.selfPaths),
    }));
    const ours = chain.findIndex((link) => link.helper.kind === "pat");
    if (ours === -1) {
      const others = chain.map((link) => `"${maskCommand(link.value)}"`).join(", ");
      findings.push({
        area,
        status: "fail",
        message: `git does not ask git-credential-pat for https://${host} (${chain.length === 0 ? "no credential helper is configured" : `it asks ${others}`})`,
        fix,
      });
      continue;
    }
    const oursLink = chain[ours];
    const problems = chain.flatMap((link, index) => {
      if (link.helper.kind === "pat") return [];
      const harm = helperHarm(link.helper, host);
      const first = index < ours ? "; git asks it first, so it can answer instead of git-credential-pat" : "";
      return [
        {
          area,
          status: harm.status,
          message: `${maskedKey(link.entry.key)}=${maskCommand(link.value)} ${placeOf(link.entry)} ${harm.what}${first}`,
          fix,
        } satisfies Finding,
      ];
    });
    findings.push(...problems);
    if (problems.length === 0 && oursLink !== undefined) {
      findings.push({
        area,
        status: "ok",
        message: `git asks only git-credential-pat for https://${host} (${maskedKey(oursLink.entry.key)}, ${placeOf(oursLink.entry).slice(1, -1)})`,
      });
    }
  }
  if (facts.patOnPath === false) {
    findings.push({
      area,
      status: "fail",
      message:
        'credential.helper is "pat", but git cannot run "git credential-pat": git-credential-pat is not on PATH',
      fix,
    });
  }
  return findings;
}

// --- url rewrites ------------------------------------------------------------------------------

/** Whether a rewrite prefix catches https URLs of `host` (all of them, or some owner's). */
function catchesHttps(prefix: string, host: string): boolean {
  const root = `https://${host}/`;
  return root.startsWith(prefix) || prefix.startsWith(root);
}

function isHttpsBase(base: string): boolean {
  return /^https:\/\//i.test(base);
}

/** What the rewritten URL would use, for messages: "SSH", "git://", "http://". */
function transportOf(url: string): string {
  const info = inspectRemoteUrl(url);
  if (info.kind === "ssh") return "SSH";
  if (info.kind === "http") return `${info.scheme}://`;
  return info.kind === "other" ? `${info.scheme}://` : "a local path";
}

/** The `git config … --unset` command that removes one rewrite rule, and whether --fix may run it. */
export function unsetRuleFix(
  rule: UrlRewrite,
  facts: Pick<DoctorFacts, "config" | "globalConfigFile" | "git"> & { gitDir?: string | undefined },
  sameFile: readonly ConfigEntry[] = facts.config,
): { fix: string; action?: FixAction } {
  // A rule holding a secret is never named on a command line.
  const secret = ruleSecret(rule);
  if (secret !== undefined) return secretRuleFix(rule, secret, facts);
  const key = `url.${rule.base}.${rule.kind}`;
  const file = originFile(rule.entry);
  if (file === undefined) {
    return { fix: `remove ${key} from where it is set (${rule.entry.origin.replace(/:$/, "")})` };
  }
  const where = configWhere(file, facts);
  const siblings = sameFile.filter(
    (entry) => entry.key === rule.entry.key && entry.origin === rule.entry.origin,
  );
  const version = facts.git.kind === "found" ? facts.git.version : undefined;
  const fixedValue = version === undefined || isGitAtLeast(version, 2, 30);
  const unset =
    siblings.length <= 1
      ? ["--unset", key]
      : fixedValue
        ? ["--fixed-value", "--unset-all", key, rule.prefix]
        : ["--unset-all", key, `^${escapeRegex(rule.prefix)}$`];
  return {
    fix: command(["git", "config", ...where, ...unset]),
    action: { kind: "git", args: ["config", "--file", file, ...unset] },
  };
}

/** How a person names a config file to `git config`: --global, --local or --file FILE. */
function configWhere(
  file: string,
  facts: { globalConfigFile: string; gitDir?: string | undefined },
): string[] {
  if (file === facts.globalConfigFile) return ["--global"];
  return facts.gitDir !== undefined && file === join(facts.gitDir, "config") ? ["--local"] : ["--file", file];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function gitDirOf(facts: Pick<DoctorFacts, "repository">): string | undefined {
  return facts.repository.kind === "repo" ? facts.repository.gitDir : undefined;
}

export function checkUrlRewrites(
  facts: Pick<DoctorFacts, "git" | "config" | "tokenHosts" | "globalConfigFile" | "repository">,
): Finding[] {
  const area = "url rewrites";
  if (facts.git.kind === "missing") return [];
  // A token in a rule is a failure whatever host it is for, so these come first and always.
  const findings: Finding[] = checkRewriteSecrets(facts);
  if (facts.tokenHosts.length === 0) return findings;
  for (const rule of inspectUrlRewrites(facts.config)) {
    if (isHttpsBase(rule.base)) continue;
    const hosts = facts.tokenHosts.filter((host) => catchesHttps(rule.prefix, host));
    if (hosts.length === 0) continue;
    const which = rule.kind === "pushInsteadOf" ? "pushes to" : "every";
    findings.push({
      area,
      status: "fail",
      message: `url.${redactUrl(rule.base)}.${rule.kind}=${redactUrl(rule.prefix)} ${placeOf(rule.entry)} turns ${which} https://${hosts.join(", https://")}/… into ${transportOf(`${rule.base}owner/repo.git`)}, where the token does not work`,
      ...unsetRuleFix(rule, { ...facts, gitDir: gitDirOf(facts) }),
    });
  }
  if (findings.length === 0) {
    findings.push({
      area,
      status: "ok",
      message: `no url.<base>.insteadOf rule sends https://${facts.tokenHosts.join(", https://")} elsewhere`,
    });
  }
  return findings;
}

type FoundSecret = Exclude<UrlSecret, { kind: "none" }>;

/** "a token, ghp_… (fp 3f9a1c2b)": what the secret is, never any of it. */
function secretLabel(found: FoundSecret): string {
  return `${found.kind === "username" ? "a token" : "a password"}, ${describe(found.secret)}`;
}

/** What happens once the secret is out of git's config, and what it does not undo. */
function afterSecretFix(found: FoundSecret): string {
  return `once it is out, git asks its credential helper (or prompts once); it still works on ${found.host} until you revoke or rotate it`;
}

/** The secret a rewrite rule holds, in its base (the section's name) or in its prefix (the value). */
function ruleSecret(rule: UrlRewrite): { found: FoundSecret; isInBase: boolean } | undefined {
  const inBase = findUrlSecret(rule.base);
  if (inBase.kind !== "none") return { found: inBase, isInBase: true };
  const inPrefix = findUrlSecret(rule.prefix);
  return inPrefix.kind === "none" ? undefined : { found: inPrefix, isInBase: false };
}

/**
 * How to take a secret-holding rule out without a command line that holds the secret: a section
 * named by a token is deleted from its file by doctor itself (git config --remove-section would
 * need the name); a value is unset by a pattern without the secret, while it is still there.
 */
function secretRuleFix(
  rule: UrlRewrite,
  { found, isInBase }: { found: FoundSecret; isInBase: boolean },
  facts: { globalConfigFile: string; gitDir?: string | undefined },
): { fix: string; action?: FixAction } {
  const file = originFile(rule.entry);
  const place = `where it is set (${rule.entry.origin.replace(/:$/, "")})`;
  // git quotes an origin path it cannot print plainly; such a file is left to the person.
  const isEditable = file !== undefined && !file.startsWith('"');
  if (isInBase) {
    return isEditable
      ? {
          fix: `delete the [url "${found.masked}"] section from ${file}`,
          action: { kind: "remove-token-url-sections", file },
        }
      : { fix: `delete the [url "${found.masked}"] section from ${place}` };
  }
  const key = rule.entry.key;
  const pattern = secretFreePattern(found);
  if (!isEditable) return { fix: `remove ${key}=${found.masked} from ${place}` };
  return {
    fix: command(["git", "config", ...configWhere(file, facts), "--unset-all", key, pattern]),
    action: {
      kind: "git",
      args: ["config", "--file", file, "--unset-all", key, pattern],
      onlyIf: ["config", "--file", file, "--get-all", key, pattern],
    },
  };
}

/**
 * `url.<base>.insteadOf` / `pushInsteadOf` rules whose base (the section's name: git puts it into
 * every matching URL) or prefix holds a secret, in every file git reads here, submodules' included.
 */
function checkRewriteSecrets(
  facts: Pick<DoctorFacts, "config" | "globalConfigFile" | "repository">,
): Finding[] {
  const gitDir = gitDirOf(facts);
  const entries = [
    ...facts.config,
    ...(facts.repository.kind === "repo" ? facts.repository.repos.flatMap((repo) => repo.entries) : []),
  ];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const rule of inspectUrlRewrites(entries)) {
    const id = `${rule.entry.origin}\0${rule.entry.key}\0${rule.prefix}`;
    const secret = ruleSecret(rule);
    if (secret === undefined || seen.has(id)) continue;
    seen.add(id);
    const { found, isInBase } = secret;
    const shown = `url.${maskUrl(rule.base)}.${rule.kind}=${maskUrl(rule.prefix)} ${placeOf(rule.entry)}`;
    findings.push({
      area: "url rewrites",
      status: "fail",
      message: isInBase
        ? `${shown} holds ${secretLabel(found)}, in its name: git puts it into every URL starting with ${maskUrl(rule.prefix)} and keeps it in plaintext in its config; ${afterSecretFix(found)}`
        : `${shown} holds ${secretLabel(found)}, in its value, in plaintext in git's config; it still works on ${found.host} until you revoke or rotate it`,
      ...secretRuleFix(rule, secret, { ...facts, gitDir }),
    });
  }
  return findings;
}

// --- remotes -----------------------------------------------------------------------------------

interface Remote {
  name: string;
  urls: string[];
  pushUrls: string[];
  /** The config entries behind `urls` and `pushUrls`, in the same order. */
  urlEntries: ConfigEntry[];
  pushUrlEntries: ConfigEntry[];
}

/** `remote.<name>.url` / `pushurl` entries grouped by remote, in config order. */
function remotesOf(entries: readonly ConfigEntry[]): Remote[] {
  const remotes = new Map<string, Remote>();
  for (const entry of entries) {
    const { section, subsection, name } = splitConfigKey(entry.key);
    if (section !== "remote" || subsection === undefined || entry.value === undefined) continue;
    if (name !== "url" && name !== "pushurl") continue;
    const remote = remotes.get(subsection) ?? {
      name: subsection,
      urls: [],
      pushUrls: [],
      urlEntries: [],
      pushUrlEntries: [],
    };
    (name === "url" ? remote.urls : remote.pushUrls).push(entry.value);
    (name === "url" ? remote.urlEntries : remote.pushUrlEntries).push(entry);
    remotes.set(subsection, remote);
  }
  return [...remotes.values()];
}

function describeUrl(info: RemoteUrl, tokenHosts: readonly string[]): string {
  switch (info.kind) {
    case "ssh": {
      const host = info.port === undefined ? info.host : `${info.host}:${info.port}`;
      return `SSH; no token for ${host}, left alone`;
    }
    case "http":
      return tokenHosts.includes(info.host)
        ? `${info.scheme.toUpperCase()}; token for ${info.host}`
        : `${info.scheme.toUpperCase()}; no token for ${info.host}`;
    case "local":
      return "local";
    case "other":
      return `${info.scheme}://`;
  }
}

export function checkRemotes(
  facts: Pick<DoctorFacts, "git" | "repository" | "tokenHosts" | "globalConfigFile" | "config">,
): Finding[] {
  const area = "remotes";
  if (facts.git.kind === "missing") return [];
  if (facts.repository.kind === "none") {
    return facts.repository.isError
      ? [{ area, status: "warn", message: `cannot look at this repository: ${facts.repository.reason}` }]
      : [{ area, status: "ok", message: `${facts.repository.reason}; no remotes to check` }];
  }
  const findings: Finding[] = [];
  for (const repo of facts.repository.repos) {
    findings.push(...checkRepoRemotes(repo, facts, gitDirOf(facts)));
  }
  if (facts.repository.submoduleError !== undefined) {
    findings.push({
      area,
      status: "warn",
      message: `could not list submodules: ${facts.repository.submoduleError}`,
      fix: "git submodule status --recursive",
    });
  }
  for (const entry of facts.repository.gitmodules) {
    findings.push(...checkGitmodulesEntry(entry, facts.tokenHosts));
  }
  return findings;
}

function checkRepoRemotes(
  repo: RepoFacts,
  facts: Pick<DoctorFacts, "tokenHosts" | "globalConfigFile" | "git" | "config">,
  gitDir: string | undefined,
): Finding[] {
  const area = "remotes";
  const label = repo.displayPath === undefined ? "" : `${repo.displayPath}: `;
  const shownGit = repo.displayPath === undefined ? ["git"] : ["git", "-C", repo.displayPath];
  const runIn = repo.dir === undefined ? [] : ["-C", repo.dir];
  const rules = inspectUrlRewrites(repo.entries);
  const remotes = remotesOf(repo.entries);
  const configFiles = { ...facts, gitDir: repo.dir === undefined ? gitDir : undefined };
  // `submodule.<name>.url` in the repository's config: what `git submodule update` clones from and
  // `git submodule sync` copies into the submodule's remote.
  const submoduleSecrets = repo.entries.flatMap((entry): Finding[] => {
    const { section, subsection, name } = splitConfigKey(entry.key);
    if (section !== "submodule" || name !== "url" || entry.value === undefined) return [];
    const found = findUrlSecret(entry.value);
    if (found.kind === "none") return [];
    const count = repo.entries.filter((other) => other.key === entry.key).length;
    return [
      {
        area,
        status: "fail",
        message: `${label}submodule ${subsection}: ${found.masked} holds ${secretLabel(found)}, which git keeps in plaintext in its config and copies into the submodule's remote; ${afterSecretFix(found)}`,
        ...secretUrlFix(found, entry, { count, shownGit, configFiles }),
      },
    ];
  });
  if (remotes.length === 0)
    return [...submoduleSecrets, { area, status: "ok", message: `${label}no remotes` }];

  const findings: Finding[] = [];
  for (const remote of remotes) {
    const problems: Finding[] = [];
    // Secrets first: their fixes run first, and everything below judges each URL as it will be
    // once its secret is out, so no other fix names the secret, not even in a pattern.
    const withoutSecrets = (values: string[], entries: ConfigEntry[], isPushUrl: boolean) =>
      values.map((url, index) => {
        const found = findUrlSecret(url);
        const entry = entries[index];
        if (found.kind === "none" || entry === undefined) return url;
        const what = `${label}${remote.name}${isPushUrl ? " (push)" : ""}`;
        problems.push({
          area,
          status: "fail",
          message: `${what}: ${found.masked} holds ${secretLabel(found)}, which git keeps in plaintext in its config and shows in git remote -v; ${afterSecretFix(found)}`,
          ...secretUrlFix(found, entry, {
            remote: { name: remote.name, isPushUrl },
            count: values.length,
            shownGit,
            configFiles,
          }),
        });
        return found.cleaned;
      });
    const urls = withoutSecrets(remote.urls, remote.urlEntries, false);
    const pushUrls = withoutSecrets(remote.pushUrls, remote.pushUrlEntries, true);
    const setUrl = (
      push: boolean,
      oldUrl: string,
      newUrl: string,
      count: number,
    ): Pick<Finding, "fix" | "action"> => {
      // With several URLs, `git remote set-url NAME NEW` refuses; name the old one (a regex).
      const args = [
        "remote",
        "set-url",
        ...(push ? ["--push"] : []),
        remote.name,
        newUrl,
        ...(count > 1 ? [`^${escapeRegex(oldUrl)}$`] : []),
      ];
      return { fix: command([...shownGit, ...args]), action: { kind: "git", args: [...runIn, ...args] } };
    };
    const judge = (raw: string, effective: Rewritten, push: boolean, isPushUrl: boolean) => {
      const what = `${label}${remote.name}${push ? " (push)" : ""}`;
      const count = isPushUrl ? pushUrls.length : urls.length;
      const rawInfo = inspectRemoteUrl(raw);
      const info = inspectRemoteUrl(effective.url);
      if (rawInfo.kind === "ssh") {
        const target = sshRemoteToHttps(rawInfo, facts.tokenHosts);
        if (target === undefined || info.kind === "http") return;
        problems.push({
          area,
          status: "fail",
          message: `${what}: ${redactUrl(raw)} uses SSH, so git never asks for the token for ${target.tokenHost} (tokens only work over HTTPS)`,
          ...(target.httpsUrl === undefined
            ? {
                fix: `${command([...shownGit, "remote", "set-url", ...(isPushUrl ? ["--push"] : []), remote.name])} https://${target.tokenHost}/OWNER/REPO.git`,
              }
            : setUrl(isPushUrl, raw, target.httpsUrl, count)),
        });
        return;
      }
      if (rawInfo.kind === "http" && effective.rule !== undefined && info.kind !== "http") {
        if (!facts.tokenHosts.includes(rawInfo.host)) return;
        problems.push({
          area,
          status: "fail",
          message: `${what}: ${redactUrl(raw)} is turned into ${redactUrl(effective.url)} by url.${redactUrl(effective.rule.base)}.${effective.rule.kind}, so git uses ${transportOf(effective.url)} and not the token`,
          ...unsetRuleFix(effective.rule, { ...facts, gitDir }, repo.entries),
        });
      }
    };
    for (const url of urls) judge(url, rewriteUrl(url, rules, "insteadOf"), false, false);
    for (const push of effectivePushUrls(urls, pushUrls, rules)) {
      // A push to the fetch URL was judged above, unless a pushInsteadOf turns an HTTPS one elsewhere.
      if (
        !push.isPushUrl &&
        (push.rule?.kind !== "pushInsteadOf" || inspectRemoteUrl(push.raw).kind === "ssh")
      ) {
        continue;
      }
      judge(push.raw, push, true, push.isPushUrl);
    }
    findings.push(...problems);
    if (problems.length === 0) {
      const url = urls[0] ?? pushUrls[0] ?? "";
      const effective = rewriteUrl(url, rules, "insteadOf");
      const rewritten =
        effective.rule === undefined
          ? ""
          : `, rewritten to ${redactUrl(effective.url)} by url.${redactUrl(effective.rule.base)}.insteadOf`;
      findings.push({
        area,
        status: "ok",
        message: `${label}${remote.name}: ${redactUrl(url)} (${describeUrl(inspectRemoteUrl(effective.url), facts.tokenHosts)}${rewritten})`,
      });
    }
  }
  return [...findings, ...submoduleSecrets];
}

/**
 * The fix for a URL holding a secret (a remote's url or pushurl, a submodule's url): the value is
 * replaced in the file that holds it, named by a pattern without the secret, and only while it is
 * still there (`git config --replace-all` adds the value when its pattern matches nothing). A
 * person is shown the plainest command that does the same.
 */
function secretUrlFix(
  found: FoundSecret,
  entry: ConfigEntry,
  where: {
    /** The remote, when `git remote set-url` can do it. */
    remote?: { name: string; isPushUrl: boolean };
    /** How many values the key has: `git remote set-url NAME NEW` and `git config KEY NEW` replace a single one. */
    count: number;
    shownGit: string[];
    configFiles: { globalConfigFile: string; gitDir: string | undefined };
  },
): Pick<Finding, "fix" | "action"> {
  const file = originFile(entry);
  if (file === undefined || file.startsWith('"')) {
    return {
      fix: `set ${entry.key} to ${found.cleaned} where it is set (${entry.origin.replace(/:$/, "")})`,
    };
  }
  const pattern = secretFreePattern(found);
  const replace = ["--replace-all", entry.key, found.cleaned, pattern];
  const config = [...where.shownGit, "config", ...configWhere(file, where.configFiles)];
  // `git remote set-url` edits the repository's own config file, nothing else.
  const fix =
    where.count > 1
      ? [...config, ...replace]
      : where.remote !== undefined && entry.scope === "local" && file.endsWith("/config")
        ? [
            ...where.shownGit,
            "remote",
            "set-url",
            ...(where.remote.isPushUrl ? ["--push"] : []),
            where.remote.name,
            found.cleaned,
          ]
        : [...config, entry.key, found.cleaned];
  return {
    fix: command(fix),
    action: {
      kind: "git",
      args: ["config", "--file", file, ...replace],
      onlyIf: ["config", "--file", file, "--get-all", entry.key, pattern],
    },
  };
}

/** An SSH URL in .gitmodules makes fresh clones fetch that submodule over SSH; it is shared, so only advise. */
function checkGitmodulesEntry(entry: ConfigEntry, tokenHosts: readonly string[]): Finding[] {
  const { subsection } = splitConfigKey(entry.key);
  const found = entry.value === undefined ? undefined : findUrlSecret(entry.value);
  if (found !== undefined && found.kind !== "none" && subsection !== undefined) {
    // Committed and shared: doctor never edits it, and taking it out does not take it out of history.
    const file = originFile(entry) ?? ".gitmodules";
    return [
      {
        area: "remotes",
        status: "fail",
        message: `.gitmodules: submodule ${subsection} uses ${found.masked}, which holds ${secretLabel(found)}; .gitmodules is committed, so whoever can read the repository can read it: revoke or rotate it on ${found.host}`,
        fix: `${command(["git", "config", "--file", file, `submodule.${subsection}.url`, found.cleaned])} && git submodule sync --recursive, then commit .gitmodules`,
      },
    ];
  }
  const info = entry.value === undefined ? undefined : inspectRemoteUrl(entry.value);
  if (info?.kind !== "ssh" || subsection === undefined) return [];
  const target = sshRemoteToHttps(info, tokenHosts);
  if (target === undefined) return [];
  const file = originFile(entry) ?? ".gitmodules";
  return [
    {
      area: "remotes",
      status: "warn",
      message: `.gitmodules: submodule ${subsection} uses ${entry.value}, so new clones fetch it over SSH, without the token for ${target.tokenHost}`,
      fix: `${command(["git", "config", "--file", file, `submodule.${subsection}.url`, target.httpsUrl ?? `https://${target.tokenHost}/OWNER/REPO.git`])} && git submodule sync --recursive`,
    },
  ];
}

// --- store -------------------------------------------------------------------------------------

const STORE_LABELS: Record<StoreName, string> = {
  keychain: "the OS keychain",
  file: "a plaintext file, 0600",
  memory: "the cache only, lost when it stops",
};

export function checkStore(facts: Pick<DoctorFacts, "configFile" | "stores" | "keychain">): Finding[] {
  const area = "store";
  const findings: Finding[] = [];
  if (facts.configFile.kind === "error") {
    findings.push({
      area,
      status: "fail",
      message: facts.configFile.message,
      ...(facts.configFile.hint === undefined ? {} : { fix: facts.configFile.hint }),
    });
  }
  for (const use of facts.stores) {
    if (!STORE_NAMES.includes(use.store as StoreName)) {
      findings.push({
        area,
        status: "fail",
        message: `unknown store "${use.store}" (${use.source}); it must be one of ${STORE_NAMES.join(", ")}`,
        fix: 'git-credential-pat setup, or set "store" in config.json',
      });
      continue;
    }
    findings.push({
      area,
      status: "ok",
      message: `store "${use.store}": ${STORE_LABELS[use.store as StoreName]} (chosen by ${use.source})`,
    });
  }
  if (facts.keychain?.kind === "ok") {
    findings.push({
      area,
      status: "ok",
      message: `the keychain answers and is unlocked (${facts.keychain.items} item${facts.keychain.items === 1 ? "" : "s"} of git-credential-pat)`,
    });
  } else if (facts.keychain?.kind === "unavailable") {
    findings.push({
      area,
      status: "fail",
      message: facts.keychain.message,
      ...(facts.keychain.hint === undefined ? {} : { fix: facts.keychain.hint }),
    });
  }
  return findings;
}

// --- files -------------------------------------------------------------------------------------

const EXPECTED_KIND: Record<FileRole, "dir" | "file" | "socket"> = {
  "config dir": "dir",
  "config file": "file",
  "accounts file": "file",
  "store dir": "dir",
  "store file": "file",
  "socket dir": "dir",
  socket: "socket",
};

export function checkFile(fact: PathFact, uid: number | undefined): Finding {
  const area = "files";
  const { role, path, stat } = fact;
  if (stat.kind === "refused") return { area, status: "fail", message: stat.problem, fix: stat.fix };
  if (stat.kind === "missing") {
    const later = role === "socket" ? "no cache daemon is running" : "it is created private on first use";
    return { area, status: "ok", message: `${role} ${path} does not exist yet (${later})` };
  }
  if (stat.kind === "error")
    return { area, status: "warn", message: `cannot check ${role} ${path} (${stat.code})` };
  const aside = `mv ${quoteArg(path)} ${quoteArg(`${path}.bak`)}`;
  const expected = EXPECTED_KIND[role];
  if (stat.kind !== expected) {
    const noun = expected === "dir" ? "a directory" : expected === "file" ? "a regular file" : "a socket";
    return { area, status: "fail", message: `${role} ${path} is not ${noun}`, fix: aside };
  }
  if (uid !== undefined && stat.uid !== uid) {
    return {
      area,
      status: "fail",
      message: `${role} ${path} belongs to another user (uid ${stat.uid}); git-credential-pat refuses it`,
      fix: aside,
    };
  }
  // A socket is as private as the 0700 directory it sits in (git's credential-cache relies on the same).
  if (role === "socket") return { area, status: "ok", message: `${role} ${path} is ours` };
  const unsafe = fact.policy === "private" ? stat.mode & 0o077 : stat.mode & 0o022;
  if (unsafe === 0)
    return { area, status: "ok", message: `${role} ${path} is private (${octal(stat.mode)})` };
  const mode = fact.policy === "shared-parent" ? undefined : expected === "dir" ? 0o700 : 0o600;
  const fix = `chmod ${mode === undefined ? "go-w" : (mode & 0o777).toString(8)} ${quoteArg(path)}`;
  return {
    area,
    status: "fail",
    message: `${role} ${path} is open to other users (mode ${octal(stat.mode)}); git-credential-pat refuses to use it`,
    fix,
    ...(fact.isOurs && mode !== undefined ? { action: { kind: "chmod", path, mode } } : {}),
  };
}

export function checkFiles(facts: Pick<DoctorFacts, "files" | "uid">): Finding[] {
  return facts.files.map((fact) => checkFile(fact, facts.uid));
}

// --- tokens ------------------------------------------------------------------------------------

export function checkTokens(
  facts: Pick<DoctorFacts, "accounts" | "envTokens" | "storedTokens" | "nowMs" | "soonDays">,
): Finding[] {
  const area = "tokens";
  if (facts.accounts.kind === "error") {
    // The file's own advice (move the broken file aside); there is nothing to list until then.
    const fix = facts.accounts.hint ?? "move the file aside, then git-credential-pat login";
    return [{ area, status: "fail", message: facts.accounts.message, fix }];
  }
  const { tokens } = facts.accounts;
  // Tokens no account describes: git stored them from its prompt, or import did.
  const others = unaccountedTokens(facts.storedTokens, tokens);
  if (tokens.length === 0 && others.length === 0 && facts.envTokens.length === 0) {
    return [
      {
        area,
        status: "warn",
        message: "no tokens: git-credential-pat has nothing to give git",
        fix: "git-credential-pat login",
      },
    ];
  }
  const findings: Finding[] = [];
  for (const { account, stored } of tokens) {
    const who = `${account.login}@${account.host}`;
    const flags = command(["--host", account.host, "--user", account.login]);
    const rotate = `git-credential-pat rotate ${flags}`;
    const before = findings.length;
    if (stored === "missing") {
      findings.push({
        area,
        status: "fail",
        message: `${who}: no token in the ${account.store} store`,
        fix: `git-credential-pat login ${flags}`,
      });
    } else if (stored === "different") {
      findings.push({
        area,
        status: "warn",
        message: `${who}: the stored token is not the one last checked`,
        fix: `git-credential-pat verify ${flags}`,
      });
    }
    findings.push(
      ...expiryFindings(who, account.expiresAtMs, account.lastCheck, account.lastCheckedAtMs, rotate, facts),
    );
    findings.push(...scopeFindings(who, account.kind, account.scopes, rotate));
    // Advice for a token GitHub accepted; a rejected one is to be replaced anyway.
    if (account.lastCheck === "valid") {
      findings.push(...adviceFindings(who, account.kind, account.scopes, account.expiresAtMs, rotate));
    }
    if (findings.length === before) {
      findings.push({
        area,
        status: "ok",
        message: `${who}: ${kindLabel(account.kind)} token, expires ${formatExpiry(account.expiresAtMs, facts.nowMs)}, scopes ${formatScopes(account.scopes, account.kind)}`,
      });
    }
  }
  for (const token of others) findings.push(...storedTokenFindings(token, facts));
  for (const env of facts.envTokens) {
    const shadowed =
      tokens.some(({ account }) => account.host.toLowerCase() === env.host) ||
      others.some((token) => token.credential.host.toLowerCase() === env.host);
    findings.push(
      shadowed
        ? {
            area,
            status: "warn",
            message: `${env.variable} is set and is used before the stored token for ${env.host}`,
            fix: `unset ${env.variable}`,
          }
        : { area, status: "ok", message: `${env.variable} serves ${env.host} (from the environment)` },
    );
  }
  return findings;
}

/** Stored tokens, once per host and token, that no account's record describes. */
function unaccountedTokens(
  held: readonly StoredToken[],
  accounts: ReadonlyArray<{ account: Account }>,
): StoredToken[] {
  const seen = new Set<string>();
  return held.filter((token) => {
    const host = token.credential.host.toLowerCase();
    const key = `${host} ${token.fingerprint}`;
    const isAccounts = accounts.some(
      ({ account }) =>
        account.host.toLowerCase() === host &&
        (account.fingerprint === token.fingerprint ||
          account.login.toLowerCase() === token.credential.username.toLowerCase()),
    );
    if (seen.has(key) || isAccounts || token.credential.protocol !== "https") return false;
    seen.add(key);
    return true;
  });
}

function storedTokenFindings(token: StoredToken, facts: Pick<DoctorFacts, "nowMs" | "soonDays">): Finding[] {
  const area = "tokens";
  const { host, username } = token.credential;
  const login = token.facts?.login ?? username;
  // git keeps `https://TOKEN@host/…`'s token as the username: described, never shown.
  const who = `${shownName(login)}@${host}`;
  // Named as list shows it (logout takes that for --user): a bare `logout --host` would log out
  // the host's default account instead, and the token itself must not be typed.
  const rotate = looksLikeToken(login)
    ? `git-credential-pat logout ${command(["--host", host, "--user", userSelector(login)])}, then git-credential-pat login ${command(["--host", host])}`
    : `git-credential-pat rotate ${command(["--host", host, "--user", login])}`;
  const findings = [
    ...expiryFindings(who, token.expiresAtMs, token.facts?.check, token.facts?.checkedAtMs, rotate, facts),
  ];
  if (token.facts === undefined) {
    findings.push({
      area,
      status: "warn",
      message: `${who}: a ${kindLabel(token.kind)} token git stored, never verified: its login, scopes and expiry are unknown`,
      fix: `git-credential-pat verify ${command(["--host", host])}`,
    });
    return findings;
  }
  findings.push(...scopeFindings(who, token.kind, token.facts.scopes, rotate));
  if (token.facts.check === "valid") {
    findings.push(...adviceFindings(who, token.kind, token.facts.scopes, token.expiresAtMs, rotate));
  }
  if (findings.length === 0) {
    findings.push({
      area,
      status: "ok",
      message: `${who}: ${kindLabel(token.kind)} token, expires ${formatExpiry(token.expiresAtMs, facts.nowMs)}, scopes ${formatScopes(token.facts.scopes, token.kind)}`,
    });
  }
  return findings;
}

function expiryFindings(
  who: string,
  expiresAtMs: number | undefined,
  lastCheck: string | undefined,
  lastCheckedAtMs: number | undefined,
  rotate: string,
  facts: Pick<DoctorFacts, "nowMs" | "soonDays">,
): Finding[] {
  const area = "tokens";
  const expiry = expiryState(expiresAtMs, facts.nowMs, facts.soonDays);
  if (expiry === "expired") {
    return [
      {
        area,
        status: "fail",
        message: `${who}: token ${formatExpiry(expiresAtMs, facts.nowMs)}`,
        fix: rotate,
      },
    ];
  }
  if (lastCheck === "rejected") {
    const when = lastCheckedAtMs === undefined ? "" : ` on ${isoDate(lastCheckedAtMs)}`;
    return [{ area, status: "fail", message: `${who}: GitHub rejected the token${when}`, fix: rotate }];
  }
  if (expiry === "soon") {
    return [
      {
        area,
        status: "warn",
        message: `${who}: token expires ${formatExpiry(expiresAtMs, facts.nowMs)}`,
        fix: rotate,
      },
    ];
  }
  return [];
}

function scopeFindings(
  who: string,
  kind: string,
  scopes: readonly string[] | undefined,
  rotate: string,
): Finding[] {
  if (kind !== "classic" || scopes === undefined || scopes.includes("repo")) return [];
  return [
    {
      area: "tokens",
      status: "warn",
      message: `${who}: classic token without the "repo" scope (has ${formatScopes(scopes)}): git can only reach public repositories with it`,
      fix: `create a token with the "repo" scope, then ${rotate}`,
    },
  ];
}

/** GitHub's advice (least privilege, an expiry) for a token whose scopes and expiry are known. */
function adviceFindings(
  who: string,
  kind: string,
  scopes: readonly string[] | undefined,
  expiresAtMs: number | undefined,
  rotate: string,
): Finding[] {
  return tokenWarnings({ kind, scopes, expiresAtMs, isVerified: true }).map((warning) => ({
    area: "tokens",
    status: "warn" as const,
    message: `${who}: ${warning}`,
    fix: rotate,
  }));
}

// doctor's "remotes" section: each remote of the repository here and of its submodules, judged as
// git will use it (after URL rewrites): SSH where a token waits, a rewrite away from HTTPS, a
// secret written into a URL. Its facts are gathered by repository.ts.
import { type ConfigEntry, originFile, splitConfigKey } from "../../git/inspect-config.js";
import { inspectRemoteUrl, type RemoteUrl, redactUrl } from "../../git/inspect-remote-url.js";
import {
  effectivePushUrls,
  inspectUrlRewrites,
  type Rewritten,
  rewriteUrl,
  type UrlRewrite,
} from "../../git/inspect-url-rewrites.js";
import { sshRemoteToHttps } from "../../git/ssh-remote-to-https.js";
import { findUrlSecret, secretFreePattern } from "../../git/url-secret.js";
import { commandLine, escapeRegex } from "./command-line.js";
import { configWhere, gitDirOf } from "./config-place.js";
import type { DoctorFacts, RepoFacts } from "./facts.js";
import type { Finding } from "./finding.js";
import { afterSecretFix, type FoundSecret, secretLabel } from "./secret-wording.js";
import { transportOf, unsetRuleFix } from "./url-rewrites.js";

const area = "remotes";

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

type RemoteFacts = Pick<DoctorFacts, "tokenHosts" | "globalConfigFile" | "git" | "config">;

/** One repository (the current one or a submodule) as its findings name it and run git in it. */
interface RepoScope {
  repo: RepoFacts;
  facts: RemoteFacts;
  /** The current repository's git dir. */
  gitDir: string | undefined;
  /** "libs/ui: " for a submodule, "" for the current repository. */
  label: string;
  /** git as a person runs it for this repository, and the `-C` --fix runs it with. */
  shownGit: string[];
  runIn: string[];
  rules: UrlRewrite[];
  configFiles: { globalConfigFile: string; gitDir: string | undefined };
}

function checkRepoRemotes(repo: RepoFacts, facts: RemoteFacts, gitDir: string | undefined): Finding[] {
  const scope: RepoScope = {
    repo,
    facts,
    gitDir,
    label: repo.displayPath === undefined ? "" : `${repo.displayPath}: `,
    shownGit: repo.displayPath === undefined ? ["git"] : ["git", "-C", repo.displayPath],
    runIn: repo.dir === undefined ? [] : ["-C", repo.dir],
    rules: inspectUrlRewrites(repo.entries),
    configFiles: {
      globalConfigFile: facts.globalConfigFile,
      gitDir: repo.dir === undefined ? gitDir : undefined,
    },
  };
  const submoduleSecrets = repo.entries.flatMap((entry) => checkSubmoduleUrl(entry, scope));
  const remotes = remotesOf(repo.entries);
  if (remotes.length === 0)
    return [...submoduleSecrets, { area, status: "ok", message: `${scope.label}no remotes` }];
  return [...remotes.flatMap((remote) => checkRemote(remote, scope)), ...submoduleSecrets];
}

/**
 * `submodule.<name>.url` in the repository's config: what `git submodule update` clones from and
 * `git submodule sync` copies into the submodule's remote.
 */
function checkSubmoduleUrl(entry: ConfigEntry, scope: RepoScope): Finding[] {
  const { section, subsection, name } = splitConfigKey(entry.key);
  if (section !== "submodule" || name !== "url" || entry.value === undefined) return [];
  const found = findUrlSecret(entry.value);
  if (found.kind === "none") return [];
  const count = scope.repo.entries.filter((other) => other.key === entry.key).length;
  return [
    {
      area,
      status: "fail",
      message: `${scope.label}submodule ${subsection}: ${found.masked} holds ${secretLabel(found)}, which git keeps in plaintext in its config and copies into the submodule's remote; ${afterSecretFix(found)}`,
      ...secretUrlFix(found, entry, { count, shownGit: scope.shownGit, configFiles: scope.configFiles }),
    },
  ];
}

function checkRemote(remote: Remote, scope: RepoScope): Finding[] {
  // Secrets first: their fixes run first, and everything below judges each URL as it will be
  // once its secret is out, so no other fix names the secret, not even in a pattern.
  const fetch = withoutSecrets(remote, false, scope);
  const push = withoutSecrets(remote, true, scope);
  const urls = fetch.urls;
  const pushUrls = push.urls;
  const problems = [...fetch.problems, ...push.problems];
  const judged = { name: remote.name, urlCount: urls.length, pushUrlCount: pushUrls.length };
  for (const url of urls) {
    problems.push(...judgeUrl(url, rewriteUrl(url, scope.rules, "insteadOf"), false, false, judged, scope));
  }
  for (const effective of effectivePushUrls(urls, pushUrls, scope.rules)) {
    // A push to the fetch URL was judged above, unless a pushInsteadOf turns an HTTPS one elsewhere.
    if (
      !effective.isPushUrl &&
      (effective.rule?.kind !== "pushInsteadOf" || inspectRemoteUrl(effective.raw).kind === "ssh")
    ) {
      continue;
    }
    problems.push(...judgeUrl(effective.raw, effective, true, effective.isPushUrl, judged, scope));
  }
  return problems.length > 0 ? problems : [remoteOk(remote.name, urls[0] ?? pushUrls[0] ?? "", scope)];
}

/** The remote's URLs (or push URLs) as they will be once any secret is out, and a failure for each secret. */
function withoutSecrets(
  remote: Remote,
  isPushUrl: boolean,
  scope: RepoScope,
): { urls: string[]; problems: Finding[] } {
  const values = isPushUrl ? remote.pushUrls : remote.urls;
  const entries = isPushUrl ? remote.pushUrlEntries : remote.urlEntries;
  const problems: Finding[] = [];
  const urls = values.map((url, index) => {
    const found = findUrlSecret(url);
    const entry = entries[index];
    if (found.kind === "none" || entry === undefined) return url;
    const what = `${scope.label}${remote.name}${isPushUrl ? " (push)" : ""}`;
    problems.push({
      area,
      status: "fail",
      message: `${what}: ${found.masked} holds ${secretLabel(found)}, which git keeps in plaintext in its config and shows in git remote -v; ${afterSecretFix(found)}`,
      ...secretUrlFix(found, entry, {
        remote: { name: remote.name, isPushUrl },
        count: values.length,
        shownGit: scope.shownGit,
        configFiles: scope.configFiles,
      }),
    });
    return found.cleaned;
  });
  return { urls, problems };
}

/** A URL git fetches from (or pushes to) that will not use the token: SSH, or rewritten away from HTTPS. */
function judgeUrl(
  raw: string,
  effective: Rewritten,
  push: boolean,
  isPushUrl: boolean,
  remote: { name: string; urlCount: number; pushUrlCount: number },
  scope: RepoScope,
): Finding[] {
  const what = `${scope.label}${remote.name}${push ? " (push)" : ""}`;
  const count = isPushUrl ? remote.pushUrlCount : remote.urlCount;
  const rawInfo = inspectRemoteUrl(raw);
  const info = inspectRemoteUrl(effective.url);
  const { facts, shownGit } = scope;
  if (rawInfo.kind === "ssh") {
    const target = sshRemoteToHttps(rawInfo, facts.tokenHosts);
    if (target === undefined || info.kind === "http") return [];
    return [
      {
        area,
        status: "fail",
        message: `${what}: ${redactUrl(raw)} uses SSH, so git never asks for the token for ${target.tokenHost} (tokens only work over HTTPS)`,
        ...(target.httpsUrl === undefined
          ? {
              fix: `${commandLine([...shownGit, "remote", "set-url", ...(isPushUrl ? ["--push"] : []), remote.name])} https://${target.tokenHost}/OWNER/REPO.git`,
            }
          : setUrlFix(remote.name, isPushUrl, raw, target.httpsUrl, count, scope)),
      },
    ];
  }
  if (rawInfo.kind !== "http" || effective.rule === undefined || info.kind === "http") return [];
  if (!facts.tokenHosts.includes(rawInfo.host)) return [];
  return [
    {
      area,
      status: "fail",
      message: `${what}: ${redactUrl(raw)} is turned into ${redactUrl(effective.url)} by url.${redactUrl(effective.rule.base)}.${effective.rule.kind}, so git uses ${transportOf(effective.url)} and not the token`,
      ...unsetRuleFix(effective.rule, { ...facts, gitDir: scope.gitDir }, scope.repo.entries),
    },
  ];
}

function setUrlFix(
  name: string,
  push: boolean,
  oldUrl: string,
  newUrl: string,
  count: number,
  scope: RepoScope,
): Pick<Finding, "fix" | "action"> {
  // With several URLs, `git remote set-url NAME NEW` refuses; name the old one (a regex).
  const args = [
    "remote",
    "set-url",
    ...(push ? ["--push"] : []),
    name,
    newUrl,
    ...(count > 1 ? [`^${escapeRegex(oldUrl)}$`] : []),
  ];
  return {
    fix: commandLine([...scope.shownGit, ...args]),
    action: { kind: "git", args: [...scope.runIn, ...args] },
  };
}

/** A remote with nothing wrong: its URL and what git does with it. */
function remoteOk(name: string, url: string, scope: RepoScope): Finding {
  const effective = rewriteUrl(url, scope.rules, "insteadOf");
  const rewritten =
    effective.rule === undefined
      ? ""
      : `, rewritten to ${redactUrl(effective.url)} by url.${redactUrl(effective.rule.base)}.insteadOf`;
  return {
    area,
    status: "ok",
    message: `${scope.label}${name}: ${redactUrl(url)} (${describeUrl(inspectRemoteUrl(effective.url), scope.facts.tokenHosts)}${rewritten})`,
  };
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
    fix: commandLine(fix),
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
        fix: `${commandLine(["git", "config", "--file", file, `submodule.${subsection}.url`, found.cleaned])} && git submodule sync --recursive, then commit .gitmodules`,
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
      fix: `${commandLine(["git", "config", "--file", file, `submodule.${subsection}.url`, target.httpsUrl ?? `https://${target.tokenHost}/OWNER/REPO.git`])} && git submodule sync --recursive`,
    },
  ];
}

// doctor's "url rewrites" section: `url.<base>.insteadOf` / `pushInsteadOf` rules that send a
// host with a token away from HTTPS, and rules holding a secret in any file git reads here.
// Its facts are git's config and the repository's (gathered by git.ts and repository.ts).
import { type ConfigEntry, originFile } from "../../git/inspect-config.js";
import { isGitAtLeast } from "../../git/inspect-git-version.js";
import { inspectRemoteUrl, redactUrl } from "../../git/inspect-remote-url.js";
import { inspectUrlRewrites, type UrlRewrite } from "../../git/inspect-url-rewrites.js";
import { findUrlSecret, maskUrl, secretFreePattern } from "../../git/url-secret.js";
import { commandLine, escapeRegex } from "./command-line.js";
import { configWhere, gitDirOf, placeOf } from "./config-place.js";
import type { DoctorFacts } from "./facts.js";
import type { Finding, FixAction } from "./finding.js";
import { afterSecretFix, type FoundSecret, secretLabel } from "./secret-wording.js";

/** Whether a rewrite prefix catches https URLs of `host` (all of them, or some owner's). */
function catchesHttps(prefix: string, host: string): boolean {
  const root = `https://${host}/`;
  return root.startsWith(prefix) || prefix.startsWith(root);
}

function isHttpsBase(base: string): boolean {
  return /^https:\/\//i.test(base);
}

/** What the rewritten URL would use, for messages: "SSH", "git://", "http://". */
export function transportOf(url: string): string {
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
    fix: commandLine(["git", "config", ...where, ...unset]),
    action: { kind: "git", args: ["config", "--file", file, ...unset] },
  };
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
    fix: commandLine(["git", "config", ...configWhere(file, facts), "--unset-all", key, pattern]),
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

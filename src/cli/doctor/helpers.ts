// doctor's "credential helpers" section: which helpers git asks for each host with a token, as
// git itself matches `credential.<url>` sections, and whether git-credential-pat is among them.
import { type ConfigEntry, splitConfigKey } from "../../git/inspect-config.js";
import { type Helper, helperChain, helperUrls, inspectHelper } from "../../git/inspect-helper.js";
import { runGit } from "../../git/run-git.js";
import { maskCommand, maskUrl } from "../../git/url-secret.js";
import type { Deps } from "../../platform/deps.js";
import { isAbsolutePath, pathStyleOf } from "../../posix-path.js";
import { placeOf } from "./config-place.js";
import type { DoctorFacts } from "./facts.js";
import type { Finding, Status } from "./finding.js";

/** Per host, the `credential.<url>` subsections that match it, and whether a plain `pat` helper runs. */
export async function gatherHelpers(
  hosts: readonly string[],
  config: readonly ConfigEntry[],
  selfPaths: readonly string[],
  deps: Deps,
): Promise<Pick<DoctorFacts, "helperMatches" | "patOnPath">> {
  const urls = helperUrls(config);
  const helperMatches: Record<string, string[]> = {};
  for (const host of hosts)
    helperMatches[host] = urls.length === 0 ? [] : await matchingUrls(host, urls, deps);

  // A short name (`pat`) is run as `git credential-pat`, through PATH; `!…` and an absolute path
  // (C:/… too on Windows: git's is_absolute_path) are run as they are.
  const style = pathStyleOf(deps.platform);
  const isShortName = (value: string) => !value.startsWith("!") && !isAbsolutePath(value, style);
  const usesShortName = hosts.some((host) =>
    helperChain(config, new Set(helperMatches[host])).some(
      (link) => isShortName(link.value) && inspectHelper(link.value, selfPaths).kind === "pat",
    ),
  );
  const patOnPath = usesShortName
    ? (await runGit(["credential-pat", "--version"], deps)).code === 0
    : undefined;
  return { helperMatches, patOnPath };
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

/** git-credential-pat as git will start it for these hosts: one entry per configured helper line. */
export function patHelpers(
  facts: Pick<DoctorFacts, "config" | "helperMatches" | "helperHosts" | "selfPaths">,
): Helper[] {
  return facts.helperHosts.flatMap((host) =>
    helperChain(facts.config, new Set(facts.helperMatches[host] ?? []))
      .map((link) => inspectHelper(link.value, facts.selfPaths))
      .filter((helper) => helper.kind === "pat"),
  );
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

type HelperFacts = Pick<
  DoctorFacts,
  "git" | "config" | "helperHosts" | "helperMatches" | "patOnPath" | "selfPaths"
>;

const area = "credential helpers";
const fix = "git-credential-pat setup";

export function checkHelpers(facts: HelperFacts): Finding[] {
  if (facts.git.kind === "missing") return [];
  const findings = facts.helperHosts.flatMap((host) => checkHostHelpers(host, facts));
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

/** The helper chain git runs for https://HOST: ours must be in it, and no other helper. */
function checkHostHelpers(host: string, facts: HelperFacts): Finding[] {
  const chain = helperChain(facts.config, new Set(facts.helperMatches[host] ?? [])).map((link) => ({
    ...link,
    helper: inspectHelper(link.value, facts.selfPaths),
  }));
  const ours = chain.findIndex((link) => link.helper.kind === "pat");
  const oursLink = chain[ours];
  if (oursLink === undefined) {
    const others = chain.map((link) => `"${maskCommand(link.value)}"`).join(", ");
    return [
      {
        area,
        status: "fail",
        message: `git does not ask git-credential-pat for https://${host} (${chain.length === 0 ? "no credential helper is configured" : `it asks ${others}`})`,
        fix,
      },
    ];
  }
  const problems = chain.flatMap((link, index): Finding[] => {
    if (link.helper.kind === "pat") return [];
    const harm = helperHarm(link.helper, host);
    const first = index < ours ? "; git asks it first, so it can answer instead of git-credential-pat" : "";
    const message = `${maskedKey(link.entry.key)}=${maskCommand(link.value)} ${placeOf(link.entry)} ${harm.what}${first}`;
    return [{ area, status: harm.status, message, fix }];
  });
  if (problems.length > 0) return problems;
  return [
    {
      area,
      status: "ok",
      message: `git asks only git-credential-pat for https://${host} (${maskedKey(oursLink.entry.key)}, ${placeOf(oursLink.entry).slice(1, -1)})`,
    },
  ];
}

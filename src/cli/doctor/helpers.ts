// doctor's "credential helpers" section: which helpers git asks for each host with a token, as
// git itself matches `credential.<url>` sections, and whether git-credential-pat is among them.
import { type ConfigEntry, splitConfigKey } from "../../git/inspect-config.js";
import { type Helper, helperChain, helperUrls, inspectHelper } from "../../git/inspect-helper.js";
import { runGit } from "../../git/run-git.js";
import { maskCommand, maskUrl } from "../../git/url-secret.js";
import type { Deps } from "../../platform/deps.js";
import { isAbsolutePath, pathStyleOf } from "../../posix-path.js";
import { helperKey } from "../setup-plan.js";
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

/** Whether each absolute path git-credential-pat runs from in these helpers is there. */
export async function gatherHelperPaths(
  helpers: readonly Helper[],
  deps: Pick<Deps, "fs" | "platform">,
): Promise<Record<string, boolean>> {
  // Absolute as git takes a helper path: `/…`, or a drive path on Windows (`C:/…`).
  const style = pathStyleOf(deps.platform);
  const paths = new Set(
    helpers.flatMap((helper) => (helper.path && isAbsolutePath(helper.path, style) ? [helper.path] : [])),
  );
  const found: Record<string, boolean> = {};
  for (const path of paths) {
    found[path] = await deps.fs.stat(path).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code !== "ENOENT" && error.code !== "ENOTDIR",
    );
  }
  return found;
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
  | "git"
  | "config"
  | "helperHosts"
  | "helperMatches"
  | "patOnPath"
  | "selfPaths"
  | "platformBinary"
  | "helperPaths"
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
        message: `git does not ask git-credential-pat for https://${host} (${chain.length === 0 ? "no credential helper is configured" : `it asks ${others}`})${systemNote(host, chain)}`,
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
  const program = checkProgram(host, oursLink, facts);
  if (program.length + problems.length > 0) return [...program, ...problems];
  return [
    {
      area,
      status: "ok",
      message: `git asks only git-credential-pat for https://${host} (${maskedKey(oursLink.entry.key)}, ${placeOf(oursLink.entry).slice(1, -1)})`,
    },
  ];
}

/**
 * Git for Windows sets credential.helper=manager in its system config, macOS git osxkeychain:
 * setup leaves that file alone, and its empty per-host helper is what keeps them out.
 */
function systemNote(host: string, chain: ReadonlyArray<{ value: string; entry: ConfigEntry }>): string {
  const system = chain.filter((link) => link.entry.scope === "system");
  if (system.length === 0) return "";
  const names = system.map((link) => `"${maskCommand(link.value)}"`).join(", ");
  const files = [...new Set(system.map((link) => placeOf(link.entry).slice(1, -1)))].join("; ");
  const them = system.length === 1 ? "it" : "them";
  return `; ${names} ${system.length === 1 ? "comes" : "come"} from the system config (${files}), which setup leaves as it is: setup's empty ${helperKey(host)} resets the list for this host, so git stops asking ${them}`;
}

/**
 * Whether git can start the git-credential-pat it was given (an old install's path may be gone),
 * and whether it is the platform binary npm installed with this Node build: through "pat" or the
 * Node script, every git operation pays a Node start, ~3× the binary's time (issue 15).
 */
function checkProgram(
  host: string,
  link: { value: string; entry: ConfigEntry; helper: Helper },
  facts: HelperFacts,
): Finding[] {
  const { path } = link.helper;
  const configured = `${maskedKey(link.entry.key)}=${maskCommand(link.value)} ${placeOf(link.entry)}`;
  if (path !== undefined && facts.helperPaths[path] === false) {
    return [
      {
        area,
        status: "fail",
        message: `${configured} runs ${path}, which is not there (an older install's?): git cannot run git-credential-pat for https://${host}`,
        fix,
      },
    ];
  }
  if (facts.platformBinary === undefined || path === facts.platformBinary) return [];
  const what = path === undefined ? "the git-credential-pat on PATH (npm's Node launcher)" : path;
  return [
    {
      area,
      status: "warn",
      message: `${configured} runs ${what} for https://${host}, not the platform binary npm installed (${facts.platformBinary}), which answers git ~3× faster`,
      fix,
    },
  ];
}

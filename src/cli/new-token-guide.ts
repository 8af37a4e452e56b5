// Guided token creation, as GitHub's pages on personal access tokens advise (a note, an expiry,
// the fewest scopes): the host's classic token page prefilled for a git client and the
// fine-grained page with what to pick there, printed on stderr before the hidden prompt, and with
// --web opened in the browser. The token never goes into a URL: the person pastes it at the prompt.
import { UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { printable } from "../protocol/index.js";
import { looksLikeToken } from "../secret.js";
import { DEFAULTS, ENV, expiryWarningDays } from "../settings.js";
import { isoDate } from "./format.js";
import { openInBrowser } from "./open-url.js";

/** The least a git client over HTTPS needs on a classic token: `repo` (push workflow files: add `workflow`). */
export const DEFAULT_SCOPES: readonly string[] = ["repo"];

/** The expiry GitHub's token pages preselect. */
export const GITHUB_DEFAULT_EXPIRY_DAYS = 30;

/** --scopes help text, shared by login and rotate. */
export const SCOPES_HELP =
  "classic scopes to prefill on the token page, comma-separated (default repo; add workflow to push .github/workflows files)";

/** The epilogue of login's and rotate's --help. */
export const GUIDE_HELP = `At a terminal without --with-token (and always with --web), the token-creation page of the host is printed first, prefilled for git (scopes, a note naming this machine), with the fine-grained page and what to pick there. GitHub's default expiry is ${GITHUB_DEFAULT_EXPIRY_DAYS} days; git-credential-pat warns ${DEFAULTS.expiryWarningDays} days ahead (${ENV.expiryWarningDays} changes it; 0: never). The token is always pasted at the hidden prompt or piped, never put in a URL or argument.`;

/** A host name with an optional port: nothing that could rewrite the URL (a "/", "@", "?"). */
const WEB_HOST = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/i;

/** --scopes "repo, workflow" → ["repo", "workflow"]; undefined when not given. */
export function parseScopes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const scopes = [...new Set(value.split(",").map((scope) => scope.trim()))].filter(Boolean);
  // A token pasted here would end up in a URL and in the shell's history.
  if (scopes.some(looksLikeToken))
    throw new UsageError("--scopes takes scope names, and that looks like a token", {
      hint: "paste the token at the prompt (or pipe it with --with-token), never as an argument",
    });
  const bad = scopes.find((scope) => !isScopeName(scope));
  if (scopes.length === 0 || bad !== undefined)
    throw new UsageError(
      `--scopes takes scope names separated by commas, like repo,workflow${bad === undefined ? "" : ` (got "${printable(bad)}")`}`,
    );
  return scopes;
}

/** A scope's name as GitHub writes them (repo, read:org, admin:public_key): nothing a URL or a shell would read as more. */
export function isScopeName(scope: string): boolean {
  return /^[a-z][a-z_:]*$/.test(scope);
}

/** The token's note: which program, on which machine, since when (GitHub lists tokens by it). */
export function tokenDescription(machineName: string, nowMs: number): string {
  return `git-credential-pat on ${machineName} ${isoDate(nowMs)}`;
}

/** The classic token page of `host` (never its API), prefilled: /settings/tokens/new?scopes=…&description=…. */
export function classicTokenUrl(host: string, scopes: readonly string[], description: string): string {
  // Scope names need no encoding (isScopeName: letters, "_" and ":"); anything else stays out.
  const names = scopes.filter(isScopeName).join(",");
  return `https://${webHost(host)}/settings/tokens/new?scopes=${names}&description=${encodeURIComponent(description)}`;
}

/** The fine-grained token page of `host`; it takes no prefilled fields. */
export function fineGrainedTokenUrl(host: string): string {
  return `https://${webHost(host)}/settings/personal-access-tokens/new`;
}

/** Where a token of this kind is deleted by hand on `host`. */
export function tokenSettingsUrl(host: string, isFineGrained: boolean): string {
  return `https://${webHost(host)}/settings/${isFineGrained ? "personal-access-tokens" : "tokens"}`;
}

function webHost(host: string): string {
  if (!WEB_HOST.test(host))
    throw new UsageError(
      `"${printable(host)}" is not a host name; give one like github.com or ghe.example.com`,
    );
  return host.toLowerCase();
}

export interface GuideOptions {
  host: string;
  /** Classic scopes to prefill. */
  scopes: readonly string[];
  /** Whom it is for, in the heading ("a token for git", "the new token for alice"). */
  what: string;
  /** --web: open the page too. */
  isWeb: boolean;
  /** Open (and list first) the fine-grained page: the token being replaced is fine-grained. */
  isFineGrained: boolean;
}

/**
 * guideTokenCreation when guidance is due (shouldGuide), with DEFAULT_SCOPES unless `scopes` are
 * given: what login and rotate run before their prompt.
 */
export async function guideBeforePrompt(
  opts: Omit<GuideOptions, "scopes"> & { scopes: readonly string[] | undefined; withToken: boolean },
  deps: Deps,
): Promise<void> {
  if (!shouldGuide(opts, deps.io)) return;
  await guideTokenCreation({ ...opts, scopes: opts.scopes ?? DEFAULT_SCOPES }, deps);
}

/** Guidance prints with --web, or when a person types the token (a terminal, no --with-token); never for a pipe. */
export function shouldGuide(
  opts: { isWeb: boolean; withToken: boolean },
  io: Pick<Deps["io"], "isStdinTTY">,
): boolean {
  return opts.isWeb || (!opts.withToken && io.isStdinTTY);
}

/** Prints the pages and the advice on stderr, and with --web opens one; never fails for the browser. */
export async function guideTokenCreation(opts: GuideOptions, deps: Deps): Promise<void> {
  const classic = classicTokenUrl(
    opts.host,
    opts.scopes,
    tokenDescription(deps.machineName(), deps.clock.now()),
  );
  const fineGrained = fineGrainedTokenUrl(opts.host);
  const pages = [
    `  classic:      ${classic}`,
    `                scopes ${opts.scopes.join(", ")}${workflowAdvice(opts.scopes)}`,
    `  fine-grained: ${fineGrained}`,
    "                pick the resource owner, the repositories, Contents: read and write (Workflows too, to push workflow files), an expiry",
  ];
  const lines = [
    `Create ${opts.what} on ${opts.host}:`,
    ...(opts.isFineGrained ? [...pages.slice(2), ...pages.slice(0, 2)] : pages),
    `  expiry: GitHub's default is ${GITHUB_DEFAULT_EXPIRY_DAYS} days; ${expiryAdvice(deps.env)}`,
  ];
  deps.io.err.write(`${lines.map(printable).join("\n")}\n`);
  if (!opts.isWeb) return;
  const opened = await openInBrowser(opts.isFineGrained ? fineGrained : classic, deps);
  deps.io.err.write(
    opened.kind === "opened"
      ? `Opened the ${opts.isFineGrained ? "fine-grained" : "classic"} page with ${printable(opened.opener)}.\n`
      : `git-credential-pat: could not open a browser (${printable(opened.opener)}: ${printable(opened.reason)}); open the page above yourself\n`,
  );
}

/** How to add `workflow` (GitHub refuses a push that changes .github/workflows without it), unless it is there. */
function workflowAdvice(scopes: readonly string[]): string {
  if (scopes.includes("workflow")) return "";
  return ` (to push .github/workflows files too: --scopes ${[...scopes, "workflow"].join(",")})`;
}

function expiryAdvice(env: Deps["env"]): string {
  const days = expiryWarningDays(env);
  return days === 0
    ? `git-credential-pat's expiry warning is off (${ENV.expiryWarningDays}=0)`
    : `git-credential-pat warns ${days === 1 ? "1 day" : `${days} days`} ahead (${ENV.expiryWarningDays})`;
}

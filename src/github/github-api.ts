// GithubApi over @octokit/core: GET /user with a token, once, within a deadline; revoking a
// token (revoke.ts) goes through the same fetch and bound.
// Plain @octokit/core has no retry or throttling plugin, and none is added: a retried 401 counts
// towards GitHub's lock-out after repeated bad credentials.
import { format } from "node:util";
import { Octokit } from "@octokit/core";
import type { Logger } from "../platform/deps.js";
import { describe, type Secret, scrub } from "../secret.js";
import { GithubApiError, GithubAuthError } from "./github-errors.js";
import { revokeToken } from "./revoke.js";
import { type ApiResponse, headerOf, responseError, toGithubError } from "./to-github-error.js";
import { parseTokenExpiration } from "./token-expiration.js";
import type { GithubApi, RevokeOutcome, TokenInfo } from "./types.js";

export interface GithubApiOptions {
  /** API base URL, e.g. from defaultApiUrl() or normalizeApiUrl(). */
  apiUrl: string;
  /** Bound on one request, body included. */
  timeoutMs: number;
  /** The setting that changes timeoutMs (e.g. GIT_CREDENTIAL_PAT_API_TIMEOUT_MS), named when a request times out. */
  timeoutSetting?: string;
  /** Goes before Octokit's own user agent, e.g. "git-credential-pat/1.2.3". */
  userAgent?: string;
}

export interface GithubApiDeps {
  fetch: typeof globalThis.fetch;
  log: Logger;
}

export function createGithubApi(options: GithubApiOptions, deps: GithubApiDeps): GithubApi {
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const { timeoutMs, timeoutSetting } = options;
  const log = octokitLogger(deps.log);

  return {
    apiUrl,
    async validate(token: Secret): Promise<TokenInfo> {
      refuseUnsendable(token, apiUrl);
      const octokit = new Octokit({
        baseUrl: apiUrl,
        auth: token.reveal(),
        userAgent: options.userAgent ?? "git-credential-pat",
        log,
        // request.log too: Octokit's request layer warns through it (or console), not through `log`.
        request: { fetch: deps.fetch, log, redirect: "manual" },
      });
      // A fresh signal per request; it also bounds reading the body.
      const signal = AbortSignal.timeout(timeoutMs);
      const context = { apiUrl, timeoutMs, timeoutSetting, timedOut: false };
      deps.log.debug(`GET ${apiUrl}/user with ${describe(token)}`);
      let response: ApiResponse;
      try {
        response = await octokit.request("GET /user", { request: { signal } });
      } catch (error) {
        throw logged(toGithubError(error, { ...context, timedOut: signal.aborted }), deps.log);
      }
      // Octokit turns a body read cut short by the signal into an empty body instead of an error.
      if (signal.aborted) {
        throw logged(toGithubError(signal.reason, { ...context, timedOut: true }), deps.log);
      }
      // Redirects are not followed ("manual"), so the token goes only where the user pointed it.
      if (response.status >= 300) throw logged(responseError(response, apiUrl), deps.log);
      const info = toTokenInfo(response, apiUrl, deps.log);
      deps.log.debug(
        `${apiUrl} → ${response.status} login=${info.login} scopes=${info.scopes?.join(",") ?? "(no header)"} ` +
          `expires=${info.expiresAtMs === undefined ? "never/unknown" : new Date(info.expiresAtMs).toISOString()} ` +
          `request-id=${headerOf(response, "x-github-request-id") ?? "-"}`,
      );
      return info;
    },
    revoke(token: Secret): Promise<RevokeOutcome> {
      const userAgent = options.userAgent ?? "git-credential-pat";
      return revokeToken(token, { apiUrl, timeoutMs, timeoutSetting, userAgent }, deps);
    },
  };
}

function toTokenInfo(response: ApiResponse, apiUrl: string, log: Logger): TokenInfo {
  const login = (response.data as { login?: unknown } | null)?.login;
  if (typeof login !== "string" || login === "") {
    throw new GithubApiError(`${apiUrl} answered GET /user without a login`, {
      details: { apiUrl, status: response.status, githubMessage: undefined, requestId: undefined },
      hint: "is this the API of a GitHub server? for GitHub Enterprise Server it is https://HOST/api/v3; set it with --api-url",
    });
  }
  const scopesHeader = headerOf(response, "x-oauth-scopes");
  const expirationHeader = headerOf(response, "github-authentication-token-expiration");
  const expiresAtMs = expirationHeader === undefined ? undefined : parseTokenExpiration(expirationHeader);
  if (expirationHeader !== undefined && expiresAtMs === undefined) {
    log.debug(
      scrub(`unreadable GitHub-Authentication-Token-Expiration "${expirationHeader}"; expiry unknown`),
    );
  }
  return {
    login,
    scopes: scopesHeader === undefined ? undefined : parseScopes(scopesHeader),
    expiresAtMs,
    answeredByGithub: headerOf(response, "x-github-request-id") !== undefined,
  };
}

/** "repo, read:org" → ["repo", "read:org"]; "" (a classic token with no scopes) → []. */
function parseScopes(header: string): string[] {
  return header
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "");
}

/**
 * A token GitHub could never accept is refused before it is sent. An empty one would make Octokit
 * send no Authorization header at all (and report the anonymous user's rate limit instead); control
 * characters would end up inside fetch's "invalid header value" error text.
 */
function refuseUnsendable(token: Secret, apiUrl: string): void {
  const value = token.reveal();
  const problem =
    value === ""
      ? "the token is empty"
      : /^[\x21-\x7e]+$/.test(value)
        ? undefined
        : "the token contains spaces or control characters";
  if (problem === undefined) return;
  throw new GithubAuthError(problem, {
    details: { apiUrl, status: undefined, githubMessage: undefined, requestId: undefined },
    hint: "paste the token again exactly as GitHub showed it",
  });
}

function logged<E extends Error>(error: E, log: Logger): E {
  log.debug(scrub(`GET /user failed: ${error.message}`));
  return error;
}

/** Octokit's four levels, all to our debug log, scrubbed: nothing it says reaches the user's terminal. */
function octokitLogger(log: Logger) {
  const line =
    (level: string) =>
    (message: string, ...rest: unknown[]): void =>
      log.debug(scrub(`octokit ${level}: ${format(message, ...rest)}`));
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

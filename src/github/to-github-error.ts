// Turns whatever Octokit threw into one of our errors at the layer boundary, keeping the
// status, GitHub's message and the request id.
// Octokit's RequestError is duck-typed, not imported: @octokit/request-error is not our dependency.
// Every text taken from the server or from Node goes through scrub(); the token is never in a message.
import type { PatError } from "../errors.js";
import { printable } from "../protocol/printable.js";
import { scrub } from "../secret.js";
import { GithubApiError, GithubAuthError, type GithubResponseDetails } from "./github-errors.js";

/** The parts of an Octokit response (or of RequestError.response) we read. Header names are lower case. */
export interface ApiResponse {
  status: number;
  headers: Readonly<Record<string, string | number | undefined>>;
  data: unknown;
}

export interface RequestContext {
  apiUrl: string;
  timeoutMs: number;
  /** The setting that changes timeoutMs, named in the timeout message. */
  timeoutSetting: string | undefined;
  /** Our own timeout signal fired: the only reliable sign, since Octokit reports it as a status-500 error. */
  timedOut: boolean;
}

export function toGithubError(error: unknown, context: RequestContext): PatError {
  const response = responseOf(error);
  if (context.timedOut || hasErrorNamed(error, "TimeoutError")) return timeoutError(error, context);
  if (!response) return networkError(error, context.apiUrl);
  return responseError(response, context.apiUrl, error);
}

/** An answer that arrived but is an error (status ≥ 300), whether Octokit threw it or not. */
export function responseError(response: ApiResponse, apiUrl: string, cause?: unknown): PatError {
  const { status } = response;
  const details = detailsOf(response, apiUrl);
  const said = details.githubMessage === undefined ? "" : `: ${details.githubMessage}`;
  const requestId = details.requestId === undefined ? "" : ` (request id ${details.requestId})`;
  const sso = headerOf(response, "x-github-sso");
  const rateLimit = rateLimitOf(response);

  if (status === 401) {
    // Never retried: GitHub locks an account out after repeated bad credentials.
    return new GithubAuthError(
      `${apiUrl} rejected the token (401 ${details.githubMessage ?? "Bad credentials"})`,
      {
        details,
        hint: "the token is revoked, expired or for another host; log in again with a new token",
        cause,
      },
    );
  }
  if (status === 403 && sso !== undefined) {
    const url = /url=([^;\s]+)/.exec(sso)?.[1];
    return new GithubAuthError(`${apiUrl} needs the token to be authorized for SAML single sign-on (403)`, {
      details,
      hint: url
        ? `authorize it at ${scrub(url)}`
        : 'authorize it under "Configure SSO" on the token\'s settings page',
      cause,
    });
  }
  if (rateLimit) {
    return new GithubApiError(`${apiUrl} rate limit exceeded (${status}); ${rateLimit}`, { details, cause });
  }
  if (status >= 300 && status < 400) {
    const location = headerOf(response, "location");
    return new GithubApiError(
      `${apiUrl} redirected GET /user (${status})${location ? ` to ${scrub(location)}` : ""}`,
      {
        details,
        hint: "give the API URL itself with --api-url (GitHub Enterprise Server: https://HOST/api/v3)",
        cause,
      },
    );
  }
  return new GithubApiError(`${apiUrl} answered ${status}${said}${requestId}`, {
    details,
    hint: hintForStatus(status),
    cause,
  });
}

function hintForStatus(status: number): string | undefined {
  if (status === 404) {
    return "is this the API of a GitHub server? for GitHub Enterprise Server it is https://HOST/api/v3; set it with --api-url";
  }
  if (status >= 500)
    return "the server had a problem; try again later (github.com: https://www.githubstatus.com)";
  return undefined;
}

function timeoutError(cause: unknown, { apiUrl, timeoutMs, timeoutSetting }: RequestContext): PatError {
  const advice = timeoutSetting === undefined ? "" : `; set ${timeoutSetting} to wait longer`;
  return new GithubApiError(`${apiUrl} did not answer within ${timeoutMs / 1000} s${advice}`, {
    details: noAnswer(apiUrl),
    hint: "check your network or proxy and whether the server is up, then try again",
    cause,
  });
}

function networkError(cause: unknown, apiUrl: string): PatError {
  const reason = scrub(rootMessage(cause));
  const code = rootCode(cause);
  return new GithubApiError(`could not reach ${apiUrl} (${reason})`, {
    details: noAnswer(apiUrl),
    hint: networkHint(code, reason),
    cause,
  });
}

function networkHint(code: string, reason: string): string {
  if (/cert|ssl|tls/i.test(`${code} ${reason}`)) {
    return "the server's certificate is not trusted; for a private CA set NODE_EXTRA_CA_CERTS=/path/to/ca.pem";
  }
  // Ours say "the proxy …" or name the variable (HTTPS_PROXY); bun's are ERR_PROXY_TUNNEL and
  // "UnsupportedProxyProtocol".
  if (code.startsWith("ERR_PROXY") || /proxy/i.test(reason)) {
    return / 407\b/.test(reason)
      ? "the proxy wants a login: give it in the proxy URL, HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT"
      : "check the proxy in HTTPS_PROXY (or https_proxy, ALL_PROXY); hosts to reach directly go in NO_PROXY";
  }
  return "check the host name, your network or proxy; for GitHub Enterprise Server set the API URL with --api-url";
}

/** "resets at …" for the primary limit, "retry after N s" for the secondary one; undefined otherwise. */
export function rateLimitOf(response: ApiResponse): string | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  // https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
  const retryAfter = headerOf(response, "retry-after");
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return `retry after ${retryAfter} s`;
  if (headerOf(response, "x-ratelimit-remaining") !== "0") return undefined;
  const resetAt = new Date(Number(headerOf(response, "x-ratelimit-reset")) * 1000);
  // A reset time no Date can hold (a broken server) is no reason to call the server unreachable.
  return Number.isFinite(resetAt.getTime()) && resetAt.getTime() > 0
    ? `it resets at ${resetAt.toISOString()}`
    : "try again later";
}

function detailsOf(response: ApiResponse, apiUrl: string): GithubResponseDetails {
  return {
    apiUrl,
    status: response.status,
    githubMessage: githubMessageOf(response.data),
    requestId: headerOf(response, "x-github-request-id"),
  };
}

const noAnswer = (apiUrl: string): GithubResponseDetails => ({
  apiUrl,
  status: undefined,
  githubMessage: undefined,
  requestId: undefined,
});

/** GitHub's JSON `message`; a short plain-text body as a fallback; never an HTML page. */
function githubMessageOf(data: unknown): string | undefined {
  const message =
    typeof data === "object" && data !== null && "message" in data
      ? (data as { message: unknown }).message
      : data;
  if (typeof message !== "string") return undefined;
  const text = message.trim().replace(/\s+/g, " ");
  if (text === "" || text.startsWith("<")) return undefined;
  // Scrubbed before it is cut: a cut could leave part of a known token (a server echoing the
  // revoke request's body) that no longer matches it. Printable: no escape sequences reach the terminal.
  const safe = scrub(text);
  return printable(safe.length > 200 ? `${safe.slice(0, 200)}…` : safe);
}

export function headerOf(response: ApiResponse, name: string): string | undefined {
  const value = response.headers[name];
  return value === undefined ? undefined : String(value);
}

/** RequestError.response when a response arrived. Octokit also sets `status` 500 on network errors and aborts, so that is not used. */
function responseOf(error: unknown): ApiResponse | undefined {
  const response = (error as { response?: unknown } | null)?.response;
  if (typeof response !== "object" || response === null) return undefined;
  const { status, headers } = response as Partial<ApiResponse>;
  if (typeof status !== "number" || typeof headers !== "object" || headers === null) return undefined;
  return response as ApiResponse;
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10; ) {
    chain.push(current);
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return chain;
}

function hasErrorNamed(error: unknown, name: string): boolean {
  return causeChain(error).some((link) => (link as { name?: unknown } | null)?.name === name);
}

/** The innermost message: "connect ECONNREFUSED 127.0.0.1:9" rather than fetch's "fetch failed". */
function rootMessage(error: unknown): string {
  const messages = causeChain(error)
    .map((link) => (link as { message?: unknown } | null)?.message)
    .filter((message): message is string => typeof message === "string" && message !== "");
  return messages.at(-1) ?? String(error);
}

function rootCode(error: unknown): string {
  const codes = causeChain(error)
    .map((link) => (link as { code?: unknown } | null)?.code)
    .filter((code): code is string => typeof code === "string");
  return codes.at(-1) ?? "";
}

// POST /credentials/revoke: GitHub's endpoint for revoking a token one holds
// (https://docs.github.com/en/rest/credentials/revoke). On github.com it is sent without
// authentication (an authenticated request gets 403) and answers 202; GitHub Enterprise Server
// 3.19+ wants it authenticated with the token itself, and older ones answer 404. One request,
// never retried (60 requests an hour), bounded by the API timeout. Plain fetch, not Octokit: the
// token is in the body, and Octokit's RequestError would keep that body on the error.
import type { Logger } from "../platform/deps.js";
import { describe, type Secret, scrub } from "../secret.js";
import { type ApiResponse, rateLimitOf, responseError, toGithubError } from "./to-github-error.js";
import type { RevokeOutcome } from "./types.js";

export interface RevokeOptions {
  /** The API base URL, without a trailing slash. */
  apiUrl: string;
  timeoutMs: number;
  /** The setting that changes timeoutMs, named when the request times out. */
  timeoutSetting: string | undefined;
  userAgent: string;
}

export interface RevokeDeps {
  fetch: typeof globalThis.fetch;
  log: Logger;
}

/** Revokes `token` on GitHub; never rejects (every failure is an outcome with a printable reason). */
export async function revokeToken(
  token: Secret,
  options: RevokeOptions,
  deps: RevokeDeps,
): Promise<RevokeOutcome> {
  const { apiUrl, timeoutMs, timeoutSetting } = options;
  const isAuthenticated = isEnterpriseServerApi(apiUrl);
  // A fresh signal per request; it also bounds reading the body.
  const signal = AbortSignal.timeout(timeoutMs);
  deps.log.debug(
    `POST ${apiUrl}/credentials/revoke for ${describe(token)}${isAuthenticated ? " (authenticated)" : ""}`,
  );
  try {
    const response = await send(token, options, isAuthenticated, signal, deps.fetch);
    return logged(outcomeOf(response, apiUrl), deps.log);
  } catch (error) {
    const reason = toGithubError(error, {
      apiUrl,
      timeoutMs,
      timeoutSetting,
      timedOut: signal.aborted,
    }).message;
    return logged({ kind: "failed", reason }, deps.log);
  }
}

/**
 * Whether the API is a GitHub Enterprise Server's (https://HOST/api/v3), where the request is
 * authenticated; api.github.com and api.TENANT.ghe.com take it without authentication.
 */
export function isEnterpriseServerApi(apiUrl: string): boolean {
  return /\/api\/v3\/?$/.test(new URL(apiUrl).pathname);
}

async function send(
  token: Secret,
  { apiUrl, userAgent }: RevokeOptions,
  isAuthenticated: boolean,
  signal: AbortSignal,
  fetch: typeof globalThis.fetch,
): Promise<ApiResponse> {
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    "content-type": "application/json; charset=utf-8",
    "user-agent": userAgent,
    "x-github-api-version": "2022-11-28",
  };
  if (isAuthenticated) headers.authorization = `token ${token.reveal()}`;
  const response = await fetch(`${apiUrl}/credentials/revoke`, {
    method: "POST",
    headers,
    body: JSON.stringify({ credentials: [token.reveal()] }),
    signal,
    // Not followed: the token goes only where the user pointed it.
    redirect: "manual",
  });
  const head = { status: response.status, headers: Object.fromEntries(response.headers) };
  // 202 is the whole answer: a body still trickling in (or never ending) must not turn a revoked
  // token into a failure. Any other answer's body holds GitHub's message.
  if (response.status === 202) {
    void response.body?.cancel().catch(() => undefined);
    return { ...head, data: undefined };
  }
  return { ...head, data: parseBody(await response.text()) };
}

/** 202 revoked; 404 not supported by this host; a spent rate limit; anything else failed, with GitHub's message. */
export function outcomeOf(response: ApiResponse, apiUrl: string): RevokeOutcome {
  const { status } = response;
  if (status === 202) return { kind: "revoked" };
  if (status === 404) {
    return {
      kind: "unsupported",
      reason: `${apiUrl} has no POST /credentials/revoke (404; GitHub Enterprise Server has it from 3.19)`,
    };
  }
  const rateLimit = rateLimitOf(response);
  if (rateLimit !== undefined)
    return { kind: "rate-limited", reason: `${apiUrl} rate limit exceeded (${status}); ${rateLimit}` };
  if (status >= 300 && status < 400)
    return { kind: "failed", reason: `${apiUrl} redirected POST /credentials/revoke (${status})` };
  return { kind: "failed", reason: responseError(response, apiUrl).message };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function logged(outcome: RevokeOutcome, log: Logger): RevokeOutcome {
  log.debug(scrub(`revoke: ${outcome.kind}${"reason" in outcome ? `: ${outcome.reason}` : ""}`));
  return outcome;
}

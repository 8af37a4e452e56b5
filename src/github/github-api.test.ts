import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { recordOutput } from "../../test/helpers/canary-guard.js";
import { jsonResponse, stubFetch } from "../../test/helpers/fetch-recorder.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { AuthError, PatError } from "../errors.js";
import { Secret } from "../secret.js";
import { createGithubApi } from "./github-api.js";
import { GithubApiError, GithubAuthError } from "./github-errors.js";
import type { TokenInfo } from "./types.js";

const API = "https://ghe.acme.com/api/v3";

function setup(answer: () => Response | Promise<Response>, options: { userAgent?: string } = {}) {
  const { fetch, calls } = stubFetch(answer);
  const deps = makeTestDeps({ fetch });
  const api = createGithubApi({ apiUrl: `${API}/`, timeoutMs: 5_000, ...options }, deps);
  return { api, calls, deps };
}

/** Hands every text an error carries to the canary guard: message, hint, causes, and the whole inspected object. */
function recordError(error: unknown): void {
  recordOutput("error", inspect(error, { depth: 8 }));
  for (let link = error; link instanceof Error; link = link.cause) {
    recordOutput("error message", `${link.message} ${(link as PatError).hint ?? ""}`);
  }
}

async function validateError(
  api: ReturnType<typeof createGithubApi>,
  token: Secret,
): Promise<GithubApiError> {
  return api.validate(token).then(
    () => expect.unreachable("validate() resolved"),
    (error: unknown) => error as GithubApiError,
  );
}

describe("createGithubApi().validate", () => {
  it.each<{ name: string; headers: Record<string, string>; want: TokenInfo }>([
    {
      name: "reads login, scopes and a UTC expiry",
      headers: {
        "x-oauth-scopes": "repo, read:org",
        "github-authentication-token-expiration": "2026-12-20 10:00:00 UTC",
      },
      want: {
        login: "octocat",
        scopes: ["repo", "read:org"],
        expiresAtMs: Date.parse("2026-12-20T10:00:00Z"),
        answeredByGithub: false,
      },
    },
    {
      name: "reads an expiry with a numeric offset",
      headers: {
        "x-oauth-scopes": "repo",
        "github-authentication-token-expiration": "2023-04-26 20:23:26 +0200",
      },
      want: {
        login: "octocat",
        scopes: ["repo"],
        expiresAtMs: Date.parse("2023-04-26T18:23:26Z"),
        answeredByGithub: false,
      },
    },
    {
      name: "an empty X-OAuth-Scopes is a classic token with no scopes",
      headers: { "x-oauth-scopes": "" },
      want: { login: "octocat", scopes: [], expiresAtMs: undefined, answeredByGithub: false },
    },
    {
      name: "no X-OAuth-Scopes (fine-grained token) leaves scopes unknown, not empty",
      headers: { "github-authentication-token-expiration": "2026-12-20 10:00:00 UTC" },
      want: {
        login: "octocat",
        scopes: undefined,
        expiresAtMs: Date.parse("2026-12-20T10:00:00Z"),
        answeredByGithub: false,
      },
    },
    {
      name: "no expiry header means the token never expires",
      headers: { "x-oauth-scopes": "repo" },
      want: { login: "octocat", scopes: ["repo"], expiresAtMs: undefined, answeredByGithub: false },
    },
    {
      name: "an unreadable expiry header is treated as unknown",
      headers: { "x-oauth-scopes": "repo", "github-authentication-token-expiration": "next tuesday" },
      want: { login: "octocat", scopes: ["repo"], expiresAtMs: undefined, answeredByGithub: false },
    },
    {
      name: "X-GitHub-Request-Id says GitHub answered",
      headers: { "x-oauth-scopes": "repo", "x-github-request-id": "C0DE:1" },
      want: { login: "octocat", scopes: ["repo"], expiresAtMs: undefined, answeredByGithub: true },
    },
  ])("$name", async ({ headers, want }) => {
    const { api, calls, deps } = setup(() => jsonResponse(200, { login: "octocat", id: 1 }, headers));

    expect(await api.validate(new Secret(CANARY.classic))).toEqual(want);

    expect(calls).toEqual([
      {
        url: `${API}/user`,
        method: "GET",
        authorization: `token ${CANARY.classic}`,
        userAgent: expect.stringMatching(/^git-credential-pat octokit-core\.js\//),
        hasSignal: true,
        redirect: "manual",
      },
    ]);
    expect(deps.stderr()).toBe("");
  });

  it("strips a trailing slash from the API URL and puts the caller's user agent first", async () => {
    const { api, calls } = setup(() => jsonResponse(200, { login: "octocat" }), {
      userAgent: "git-credential-pat/9.9.9",
    });
    await api.validate(new Secret(CANARY.fineGrained));
    expect(api.apiUrl).toBe(API);
    expect(calls[0]?.userAgent).toMatch(/^git-credential-pat\/9\.9\.9 octokit-core\.js\//);
    expect(calls[0]?.authorization).toBe(`token ${CANARY.fineGrained}`);
  });

  it("logs the request with the token's fingerprint, never the token", async () => {
    const logged: string[] = [];
    const { fetch } = stubFetch(() =>
      jsonResponse(200, { login: "octocat" }, { "x-github-request-id": "AB:CD" }),
    );
    const deps = makeTestDeps({ fetch, log: { debug: (line) => logged.push(line) } });
    const token = new Secret(CANARY.classic);
    await createGithubApi({ apiUrl: API, timeoutMs: 5_000 }, deps).validate(token);
    for (const line of logged) recordOutput("log", line);
    expect(logged.join("\n")).toMatch(
      /GET https:\/\/ghe\.acme\.com\/api\/v3\/user with ghp_… \(fp [0-9a-f]{8}\)/,
    );
    expect(logged.join("\n")).toMatch(/login=octocat .*request-id=AB:CD/);
  });

  const requestId = { "x-github-request-id": "C0DE:1234" };

  it.each([
    {
      name: "a 401 is an AuthError naming the API URL",
      answer: () =>
        jsonResponse(
          401,
          { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" },
          requestId,
        ),
      want: {
        type: GithubAuthError,
        exitCode: 4,
        message: `${API} rejected the token (401 Bad credentials)`,
        status: 401,
        githubMessage: "Bad credentials",
        requestId: "C0DE:1234",
      },
    },
    {
      name: "a server's escape sequences in its message never reach the terminal",
      answer: () => jsonResponse(401, { message: "\u001b]0;owned\u0007Bad \u009bcredentials" }, requestId),
      want: {
        type: GithubAuthError,
        exitCode: 4,
        message: `${API} rejected the token (401 ?]0;owned?Bad ?credentials)`,
        status: 401,
        githubMessage: "?]0;owned?Bad ?credentials",
        requestId: "C0DE:1234",
      },
    },
    {
      name: "a 403 from the rate limit says when it resets",
      answer: () =>
        jsonResponse(
          403,
          { message: "API rate limit exceeded for user ID 1." },
          {
            ...requestId,
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "1893456000",
          },
        ),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} rate limit exceeded (403); it resets at 2030-01-01T00:00:00.000Z`,
        status: 403,
        githubMessage: "API rate limit exceeded for user ID 1.",
        requestId: "C0DE:1234",
      },
    },
    {
      name: "a 429 secondary rate limit says how long to wait",
      answer: () =>
        jsonResponse(429, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "60" }),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} rate limit exceeded (429); retry after 60 s`,
        status: 429,
        githubMessage: "You have exceeded a secondary rate limit.",
        requestId: undefined,
      },
    },
    {
      name: "a 403 for SAML SSO is an AuthError pointing at the authorization URL",
      answer: () =>
        jsonResponse(
          403,
          { message: "Resource protected by organization SAML enforcement." },
          {
            "x-github-sso": "required; url=https://github.com/orgs/acme/sso?authorization_request=XYZ",
          },
        ),
      want: {
        type: GithubAuthError,
        exitCode: 4,
        message: `${API} needs the token to be authorized for SAML single sign-on (403)`,
        hint: "authorize it at https://github.com/orgs/acme/sso?authorization_request=XYZ",
        status: 403,
        githubMessage: "Resource protected by organization SAML enforcement.",
        requestId: undefined,
      },
    },
    {
      name: "an SSO 403 without a URL still says what to do",
      answer: () =>
        jsonResponse(
          403,
          { message: "Resource protected by organization SAML enforcement." },
          { "x-github-sso": "required" },
        ),
      want: {
        type: GithubAuthError,
        exitCode: 4,
        message: `${API} needs the token to be authorized for SAML single sign-on (403)`,
        hint: 'authorize it under "Configure SSO" on the token\'s settings page',
        status: 403,
        githubMessage: "Resource protected by organization SAML enforcement.",
        requestId: undefined,
      },
    },
    {
      name: "another 403 is a PatError with GitHub's message",
      answer: () =>
        jsonResponse(403, {
          message: "Although you appear to have the correct authorization credentials, ...",
        }),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} answered 403: Although you appear to have the correct authorization credentials, ...`,
        status: 403,
        githubMessage: "Although you appear to have the correct authorization credentials, ...",
        requestId: undefined,
      },
    },
    {
      name: "a 404 suggests the API URL is wrong",
      answer: () => jsonResponse(404, { message: "Not Found" }, requestId),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} answered 404: Not Found (request id C0DE:1234)`,
        hint: expect.stringContaining("--api-url"),
        status: 404,
        githubMessage: "Not Found",
        requestId: "C0DE:1234",
      },
    },
    {
      name: "a 500 keeps the status, message and request id",
      answer: () => jsonResponse(500, { message: "Server Error" }, requestId),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} answered 500: Server Error (request id C0DE:1234)`,
        hint: expect.stringContaining("try again later"),
        status: 500,
        githubMessage: "Server Error",
        requestId: "C0DE:1234",
      },
    },
    {
      name: "a 502 HTML page from a proxy is not quoted",
      answer: () =>
        new Response("<html><body>Bad Gateway</body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        }),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} answered 502`,
        status: 502,
        githubMessage: undefined,
      },
    },
    {
      name: "a redirect is not followed, so the token goes nowhere else",
      answer: () =>
        new Response(null, { status: 301, headers: { location: "https://elsewhere.example/user" } }),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} redirected GET /user (301) to https://elsewhere.example/user`,
        status: 301,
      },
    },
    {
      name: "a 200 without a login is not a GitHub API",
      answer: () =>
        new Response("<html>sign in</html>", { status: 200, headers: { "content-type": "text/html" } }),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} answered GET /user without a login`,
        status: 200,
      },
    },
    {
      name: "a timeout names the API URL and the bound",
      answer: () =>
        Promise.reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `${API} did not answer within 5 s`,
        status: undefined,
        requestId: undefined,
      },
    },
    {
      name: "a refused connection names the API URL and the reason",
      answer: () =>
        Promise.reject(
          new TypeError("fetch failed", {
            cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }),
          }),
        ),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `could not reach ${API} (connect ECONNREFUSED 10.0.0.1:443)`,
        hint: expect.stringContaining("check the host name"),
        status: undefined,
      },
    },
    {
      name: "an unknown host names the API URL",
      answer: () =>
        Promise.reject(
          new TypeError("fetch failed", {
            cause: Object.assign(new Error("getaddrinfo ENOTFOUND ghe.acme.com"), { code: "ENOTFOUND" }),
          }),
        ),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `could not reach ${API} (getaddrinfo ENOTFOUND ghe.acme.com)`,
      },
    },
    {
      name: "a tunnel the proxy refused for want of a login says how to give one",
      answer: () =>
        Promise.reject(
          Object.assign(new Error("Proxy refused to open a tunnel: 407 Proxy Authentication Required"), {
            code: "ERR_PROXY_TUNNEL",
          }),
        ),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `could not reach ${API} (Proxy refused to open a tunnel: 407 Proxy Authentication Required)`,
        hint: expect.stringContaining("HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT"),
      },
    },
    {
      name: "an unreachable proxy points at the proxy variables",
      answer: () =>
        Promise.reject(
          new TypeError("fetch failed", {
            cause: Object.assign(
              new Error("the proxy http://proxy.corp:3128: connect ECONNREFUSED 10.0.0.5:3128"),
              {
                code: "ECONNREFUSED",
              },
            ),
          }),
        ),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `could not reach ${API} (the proxy http://proxy.corp:3128: connect ECONNREFUSED 10.0.0.5:3128)`,
        hint: expect.stringContaining("NO_PROXY"),
      },
    },
    {
      name: "an untrusted certificate suggests NODE_EXTRA_CA_CERTS",
      answer: () =>
        Promise.reject(
          new TypeError("fetch failed", {
            cause: Object.assign(new Error("unable to verify the first certificate"), {
              code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            }),
          }),
        ),
      want: {
        type: GithubApiError,
        exitCode: 1,
        message: `could not reach ${API} (unable to verify the first certificate)`,
        hint: expect.stringContaining("NODE_EXTRA_CA_CERTS"),
      },
    },
  ])("$name", async ({ answer, want }) => {
    const { api, calls } = setup(answer);
    const { type, ...fields } = want;

    const error = await validateError(api, new Secret(CANARY.classic));
    recordError(error);

    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(PatError);
    expect(error).toMatchObject({ apiUrl: API, ...fields });
    // Never retried: GitHub locks out after repeated bad credentials, and a 500 is not ours to hammer.
    expect(calls).toHaveLength(1);
  });

  it("a timeout names the setting that changes it, when given one", async () => {
    const { fetch } = stubFetch(() =>
      Promise.reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    );
    const api = createGithubApi(
      { apiUrl: API, timeoutMs: 1_500, timeoutSetting: "GIT_CREDENTIAL_PAT_API_TIMEOUT_MS" },
      makeTestDeps({ fetch }),
    );
    const error = await validateError(api, new Secret(CANARY.classic));
    recordError(error);
    expect(error.message).toBe(
      `${API} did not answer within 1.5 s; set GIT_CREDENTIAL_PAT_API_TIMEOUT_MS to wait longer`,
    );
  });

  it("wraps Octokit's RequestError as the cause, with the Authorization header redacted", async () => {
    const { api } = setup(() => jsonResponse(401, { message: "Bad credentials" }));
    const error = await validateError(api, new Secret(CANARY.classic));
    recordError(error);
    expect(error.cause).toMatchObject({
      name: "HttpError",
      status: 401,
      request: { headers: { authorization: "token [REDACTED]" } },
    });
  });

  it("a token GitHub echoes back in its message is scrubbed from ours", async () => {
    const { api } = setup(() => jsonResponse(422, { message: `token ${CANARY.classic2} is odd` }));
    const error = await validateError(api, new Secret(CANARY.classic2));
    // Only our message: the cause keeps the server's raw text, which main scrubs before printing.
    recordOutput("error message", `${error.message} ${error.githubMessage} ${error.hint}`);
    expect(error.message).toBe(`${API} answered 422: token ******** is odd`);
  });

  it.each([
    { name: "an empty token", token: "", want: "the token is empty" },
    {
      name: "a token with a space",
      token: `${CANARY.classic} x`,
      want: "the token contains spaces or control characters",
    },
    {
      name: "a token with a newline",
      token: `${CANARY.classic}\n`,
      want: "the token contains spaces or control characters",
    },
  ])("refuses $name without sending a request", async ({ token, want }) => {
    const { api, calls } = setup(() => jsonResponse(200, { login: "octocat" }));
    const error = await validateError(api, new Secret(token));
    recordError(error);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(want);
    expect(calls).toEqual([]);
  });

  it("routes Octokit's own warnings to the debug log, scrubbed, not to the console", async () => {
    const logged: string[] = [];
    const { fetch } = stubFetch(() =>
      jsonResponse(200, { login: "octocat" }, { deprecation: "true", sunset: "2030-01-01", link: "" }),
    );
    const deps = makeTestDeps({ fetch, log: { debug: (line) => logged.push(line) } });
    await createGithubApi({ apiUrl: API, timeoutMs: 5_000 }, deps).validate(new Secret(CANARY.classic));
    for (const line of logged) recordOutput("log", line);
    expect(logged).toContainEqual(expect.stringMatching(/^octokit warn: .*"GET .*\/user" is deprecated/));
  });
});

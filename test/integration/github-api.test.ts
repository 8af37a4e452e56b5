// The GitHub layer over real HTTP against the loopback fake API: real fetch, real Octokit, real
// timeouts. Counts requests on the server side to prove nothing is retried.
import { createServer } from "node:net";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuthError, PatError } from "../../src/errors.js";
import { createGithubApi, type GithubApi, GithubApiError, GithubAuthError } from "../../src/github/index.js";
import { Secret } from "../../src/secret.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { FAKE_SSO_URL, type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";

const TIMEOUT_MS = 300;

describe("GitHub API client against the fake API (real HTTP)", () => {
  let server: FakeGithubApi;
  const logLines: string[] = [];

  beforeEach(async () => {
    server = await startFakeGithubApi();
    logLines.length = 0;
  });

  afterEach(async () => {
    for (const line of logLines) recordOutput("log", line);
    await server.close();
  });

  const clientFor = (apiUrl: string, timeoutMs = 5_000): GithubApi =>
    createGithubApi(
      { apiUrl, timeoutMs },
      { fetch: globalThis.fetch, log: { debug: (line) => logLines.push(line) } },
    );

  async function failure(api: GithubApi, token: string): Promise<GithubApiError> {
    const error = await api.validate(new Secret(token)).then(
      () => expect.unreachable("validate() resolved"),
      (e: unknown) => e as GithubApiError,
    );
    recordOutput("error", inspect(error, { depth: 8 }));
    for (let link: unknown = error; link instanceof Error; link = link.cause)
      recordOutput("cause", link.message);
    return error;
  }

  it.each([
    {
      name: "scopes and a UTC expiry",
      entry: { login: "alice", scopes: ["repo", "workflow"], expiresAt: "2026-12-20 10:00:00 UTC" },
      want: {
        login: "alice",
        scopes: ["repo", "workflow"],
        expiresAtMs: Date.parse("2026-12-20T10:00:00Z"),
        answeredByGithub: true,
      },
    },
    {
      name: "an expiry with a numeric offset",
      entry: { login: "alice", scopes: ["repo"], expiresAt: "2023-04-26 20:23:26 +0200" },
      want: {
        login: "alice",
        scopes: ["repo"],
        expiresAtMs: Date.parse("2023-04-26T18:23:26Z"),
        answeredByGithub: true,
      },
    },
    {
      name: "a classic token with no scopes and no expiry",
      entry: { login: "alice", scopes: [] },
      want: { login: "alice", scopes: [], expiresAtMs: undefined, answeredByGithub: true },
    },
    {
      name: "a fine-grained token: no scopes header, an expiry",
      entry: { login: "alice", expiresAt: "2026-12-20 10:00:00 UTC" },
      want: {
        login: "alice",
        scopes: undefined,
        expiresAtMs: Date.parse("2026-12-20T10:00:00Z"),
        answeredByGithub: true,
      },
    },
    {
      name: "neither header",
      entry: { login: "alice" },
      want: { login: "alice", scopes: undefined, expiresAtMs: undefined, answeredByGithub: true },
    },
  ])("reads $name, on github.com-style and GHES-style URLs", async ({ entry, want }) => {
    server.tokens.set(CANARY.classic, entry);
    for (const apiUrl of [server.url, server.ghesUrl]) {
      expect(await clientFor(apiUrl).validate(new Secret(CANARY.classic))).toEqual(want);
    }
    expect(server.requests).toEqual([
      { method: "GET", path: "/user", authorized: true },
      { method: "GET", path: "/api/v3/user", authorized: true },
    ]);
  });

  it("a rejected token (401) is an AuthError after exactly one request", async () => {
    const error = await failure(clientFor(server.ghesUrl), CANARY.classic);
    expect(error).toBeInstanceOf(GithubAuthError);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(`${server.ghesUrl} rejected the token (401 Bad credentials)`);
    expect(error).toMatchObject({ status: 401, requestId: expect.stringMatching(/^FAKE:/) });
    expect(server.requests).toEqual([{ method: "GET", path: "/api/v3/user", authorized: false }]);
  });

  it("a 500 is a PatError after exactly one request", async () => {
    server.setMode("500");
    const error = await failure(clientFor(server.url), CANARY.classic);
    expect(error).toBeInstanceOf(GithubApiError);
    expect(error.message).toMatch(
      new RegExp(`^${server.url} answered 500: Server Error \\(request id FAKE:\\w+\\)$`),
    );
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    { mode: "hang" as const, what: "no answer at all" },
    { mode: "hang-body" as const, what: "headers and then no body" },
  ])("$what ends with a clear error within the timeout", async ({ mode }) => {
    server.tokens.set(CANARY.classic, { login: "alice" });
    server.setMode(mode);
    const started = performance.now();
    const error = await failure(clientFor(server.url, TIMEOUT_MS), CANARY.classic);
    const elapsedMs = performance.now() - started;
    expect(error).toBeInstanceOf(GithubApiError);
    expect(error.message).toBe(`${server.url} did not answer within 0.3 s`);
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(server.requests).toHaveLength(1);
  });

  it("a rate-limited token is told when the limit resets", async () => {
    server.tokens.set(CANARY.classic, { login: "alice" });
    server.setMode("rate-limited");
    const error = await failure(clientFor(server.url), CANARY.classic);
    expect(error).toBeInstanceOf(GithubApiError);
    expect(error.message).toBe(
      `${server.url} rate limit exceeded (403); it resets at 2030-01-01T00:00:00.000Z`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it("a token that needs SSO authorization is an AuthError with the URL to authorize it", async () => {
    server.tokens.set(CANARY.fineGrained, { login: "alice" });
    server.setMode("sso");
    const error = await failure(clientFor(server.url), CANARY.fineGrained);
    expect(error).toBeInstanceOf(GithubAuthError);
    expect(error.message).toBe(
      `${server.url} needs the token to be authorized for SAML single sign-on (403)`,
    );
    expect(error.hint).toBe(`authorize it at ${FAKE_SSO_URL}`);
  });

  it("a closed port is a PatError naming the URL, after one attempt", async () => {
    const closedUrl = `http://127.0.0.1:${await closedPort()}/api/v3`;
    const error = await failure(clientFor(closedUrl), CANARY.classic);
    expect(error).toBeInstanceOf(PatError);
    expect(error.message).toMatch(
      new RegExp(`^could not reach ${closedUrl} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\)$`),
    );
  });

  it("logs only fingerprints", async () => {
    server.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
    await clientFor(server.url).validate(new Secret(CANARY.classic));
    expect(logLines.join("\n")).toMatch(/with ghp_… \(fp [0-9a-f]{8}\)/);
  });
});

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

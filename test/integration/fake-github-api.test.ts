// Self-test of the fake GitHub API: if it does not answer like GitHub, tests built on it prove nothing.
// Plain fetch, no project code.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CANARY } from "../helpers/canary.js";
import {
  FAKE_RATE_LIMIT_RESET,
  FAKE_SSO_URL,
  type FakeGithubApi,
  startFakeGithubApi,
} from "../helpers/fake-github-api.js";

describe("fake GitHub API", () => {
  let api: FakeGithubApi;

  beforeEach(async () => {
    api = await startFakeGithubApi();
    api.tokens.set(CANARY.classic, {
      login: "alice",
      scopes: ["repo", "read:org"],
      expiresAt: "2026-12-20 10:00:00 UTC",
    });
    api.tokens.set(CANARY.fineGrained, { login: "bob" });
    api.tokens.set(CANARY.classic2, { login: "carol", scopes: [] });
  });

  afterEach(async () => {
    await api.close();
  });

  const getUser = (base: string, authorization?: string) =>
    fetch(`${base}/user`, {
      headers: authorization ? { authorization } : {},
      signal: AbortSignal.timeout(5_000),
    });

  it("listens on 127.0.0.1 and offers a GHES-style base URL", () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.ghesUrl).toBe(`${api.url}/api/v3`);
  });

  it.each([
    {
      name: "a classic token gets its login, scopes and expiry",
      token: CANARY.classic,
      want: { login: "alice", scopes: "repo, read:org", expiration: "2026-12-20 10:00:00 UTC" },
    },
    {
      name: "a fine-grained token gets no X-OAuth-Scopes header",
      token: CANARY.fineGrained,
      want: { login: "bob", scopes: null, expiration: null },
    },
    {
      name: "a token with no scopes gets an empty X-OAuth-Scopes",
      token: CANARY.classic2,
      want: { login: "carol", scopes: "", expiration: null },
    },
  ])("$name", async ({ token, want }) => {
    for (const [base, authorization] of [
      [api.url, `token ${token}`],
      [api.ghesUrl, `Bearer ${token}`],
    ] as const) {
      const response = await getUser(base, authorization);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("x-github-request-id")).toMatch(/^FAKE:/);
      expect(response.headers.get("x-oauth-scopes")).toBe(want.scopes);
      expect(response.headers.get("github-authentication-token-expiration")).toBe(want.expiration);
      expect(await response.json()).toMatchObject({ login: want.login });
    }
  });

  it.each([
    { name: "a missing token", authorization: undefined },
    { name: "an unknown token", authorization: "token ghp_unknown" },
    {
      name: "a Basic header",
      authorization: `Basic ${Buffer.from(`x:${CANARY.classic}`).toString("base64")}`,
    },
  ])("answers $name with 401 Bad credentials", async ({ authorization }) => {
    const response = await getUser(api.url, authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
    });
  });

  it("logs method, path and whether the request was authorized, never the token", async () => {
    await getUser(api.url, `token ${CANARY.classic}`);
    await getUser(api.ghesUrl, "token nope");
    expect(api.requests).toEqual([
      { method: "GET", path: "/user", authorized: true },
      { method: "GET", path: "/api/v3/user", authorized: false },
    ]);
    expect(JSON.stringify(api.requests)).not.toContain(CANARY.classic);
  });

  it("answers other paths with 404", async () => {
    const response = await fetch(`${api.url}/repos/a/b`, {
      headers: { authorization: `token ${CANARY.classic}` },
    });
    expect(response.status).toBe(404);
  });

  it("sees a token change in the table at once", async () => {
    api.tokens.delete(CANARY.classic);
    expect((await getUser(api.url, `token ${CANARY.classic}`)).status).toBe(401);
  });

  it("mode 500 fails whatever the token", async () => {
    api.setMode("500");
    const response = await getUser(api.url);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Server Error" });
  });

  it("mode rate-limited answers 403 with the rate-limit headers", async () => {
    api.setMode("rate-limited");
    const response = await getUser(api.url, `token ${CANARY.classic}`);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(response.headers.get("x-ratelimit-reset")).toBe(String(FAKE_RATE_LIMIT_RESET));
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/rate limit exceeded/) });
  });

  it("mode sso answers 403 with an X-GitHub-SSO URL", async () => {
    api.setMode("sso");
    const response = await getUser(api.url, `token ${CANARY.classic}`);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-github-sso")).toBe(`required; url=${FAKE_SSO_URL}`);
  });

  it("a mode set for a path prefix leaves other paths alone", async () => {
    api.setMode("500", "/api/v3");
    expect((await getUser(api.ghesUrl, `token ${CANARY.classic}`)).status).toBe(500);
    expect((await getUser(api.url, `token ${CANARY.classic}`)).status).toBe(200);
    api.setMode("ok", "/api/v3");
    expect((await getUser(api.ghesUrl, `token ${CANARY.classic}`)).status).toBe(200);
  });

  it("mode hang never answers, and close() still returns", async () => {
    api.setMode("hang");
    const pending = fetch(`${api.url}/user`, { signal: AbortSignal.timeout(200) });
    await expect(pending).rejects.toMatchObject({ name: "TimeoutError" });
    const stuck = fetch(`${api.url}/user`).catch((error: unknown) => error);
    await expect.poll(() => api.requests.length).toBe(2);
    await api.close();
    expect(await stuck).toBeInstanceOf(TypeError);
  });

  it("mode hang-body sends headers and then stalls", async () => {
    api.setMode("hang-body");
    const response = await getUser(api.url, `token ${CANARY.classic}`);
    expect(response.status).toBe(200);
    await expect(
      Promise.race([
        response.text().catch(() => "cut off"),
        new Promise((resolve) => setTimeout(resolve, 200, "stalled")),
      ]),
    ).resolves.toBe("stalled");
  });

  describe("POST /credentials/revoke", () => {
    const revoke = (base: string, body: unknown, authorization?: string) =>
      fetch(`${base}/credentials/revoke`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });

    const ALICE = { credentials: [CANARY.classic] };
    const AS_CAROL = `token ${CANARY.classic2}`;
    const AS_ALICE = `token ${CANARY.classic}`;
    // [what, GHES-style?, Authorization, body, status]: the token is revoked on 202 only.
    it.each<[string, boolean, string | undefined, unknown, number]>([
      ["github.com-style without authentication: 202", false, undefined, ALICE, 202],
      ["github.com-style with authentication: 403", false, AS_CAROL, ALICE, 403],
      ["GHES-style authenticated with a known token: 202", true, AS_ALICE, ALICE, 202],
      ["GHES-style without authentication: 401", true, undefined, ALICE, 401],
      ["a credential the table does not hold: 422", false, undefined, { credentials: [CANARY.hex40] }, 422],
      ["a body without credentials: 422", false, undefined, { tokens: [CANARY.classic] }, 422],
    ])("%s", async (_name, isGhes, authorization, body, want) => {
      const base = isGhes ? api.ghesUrl : api.url;
      const response = await revoke(base, body, authorization);
      expect(response.status).toBe(want);
      expect(api.tokens.has(CANARY.classic)).toBe(want !== 202);
      const path = isGhes ? "/api/v3/credentials/revoke" : "/credentials/revoke";
      expect(api.revokeRequests).toEqual([{ path, hasAuthorization: authorization !== undefined }]);
    });

    it.each([
      { mode: "not-found" as const, want: 404 },
      { mode: "rate-limited" as const, want: 403 },
    ])("mode $mode answers $want", async ({ mode, want }) => {
      api.setMode(mode, "/credentials/revoke");
      const response = await revoke(api.url, { credentials: [CANARY.classic] });
      expect(response.status).toBe(want);
      if (mode === "rate-limited") {
        expect(response.headers.get("x-ratelimit-limit")).toBe("60");
        expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
      }
      expect(api.tokens.has(CANARY.classic)).toBe(true);
    });

    it("mode hang never answers", async () => {
      api.setMode("hang", "/credentials/revoke");
      const pending = fetch(`${api.url}/credentials/revoke`, {
        method: "POST",
        body: JSON.stringify({ credentials: [CANARY.classic] }),
        signal: AbortSignal.timeout(200),
      });
      await expect(pending).rejects.toMatchObject({ name: "TimeoutError" });
    });
  });
});

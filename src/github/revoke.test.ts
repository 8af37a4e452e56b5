// POST /credentials/revoke through the GitHub layer with a stubbed fetch: who is authenticated
// (github.com: nobody; GHES: the token itself), what goes in the body, and how each answer maps
// to an outcome, with GitHub's message and never the token.
import { describe, expect, it } from "vitest";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { jsonResponse, stubFetch } from "../../test/helpers/fetch-recorder.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { Secret } from "../secret.js";
import { createGithubApi } from "./github-api.js";
import { isEnterpriseServerApi } from "./revoke.js";
import type { RevokeOutcome } from "./types.js";

function setup(apiUrl: string, answer: () => Response | Promise<Response>) {
  const { fetch, calls } = stubFetch(answer);
  const deps = makeTestDeps({ fetch });
  const timeoutSetting = "GIT_CREDENTIAL_PAT_API_TIMEOUT_MS";
  return { api: createGithubApi({ apiUrl, timeoutMs: 5_000, timeoutSetting }, deps), calls };
}

const GITHUB = "https://api.github.com";
const GHES = "https://ghe.acme.com/api/v3";

describe("revoke: the request", () => {
  it("github.com: sent without authentication, the token only in the body", async () => {
    const { api, calls } = setup(GITHUB, () => jsonResponse(202, {}));
    expect(await api.revoke(new Secret(CANARY.classic))).toEqual({ kind: "revoked" });
    expect(calls).toMatchObject([
      { url: `${GITHUB}/credentials/revoke`, method: "POST", authorization: null, redirect: "manual" },
    ]);
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({ credentials: [CANARY.classic] });
  });

  it("GHES: authenticated with the token itself", async () => {
    const { api, calls } = setup(GHES, () => jsonResponse(202, {}));
    expect(await api.revoke(new Secret(CANARY.fineGrained))).toEqual({ kind: "revoked" });
    expect(calls[0]?.url).toBe(`${GHES}/credentials/revoke`);
    expect(calls[0]?.authorization).toBe(`token ${CANARY.fineGrained}`);
  });

  it.each([
    { name: "api.github.com is not GHES", url: GITHUB, want: false },
    { name: "a ghe.com tenant's API is not GHES", url: "https://api.acme.ghe.com", want: false },
    { name: "https://HOST/api/v3 is GHES", url: GHES, want: true },
    { name: "a loopback /api/v3 is GHES", url: "http://127.0.0.1:8080/api/v3", want: true },
  ])("$name", ({ url, want }) => {
    expect(isEnterpriseServerApi(url)).toBe(want);
  });
});

describe("revoke: the outcome", () => {
  it.each<{ name: string; answer: () => Response; want: RevokeOutcome }>([
    { name: "202 is revoked", answer: () => jsonResponse(202, {}), want: { kind: "revoked" } },
    {
      name: "404 is not supported by this host (GHES before 3.19)",
      answer: () => jsonResponse(404, { message: "Not Found" }),
      want: {
        kind: "unsupported",
        reason: `${GHES} has no POST /credentials/revoke (404; GitHub Enterprise Server has it from 3.19)`,
      },
    },
    {
      name: "422 fails with GitHub's message",
      answer: () => jsonResponse(422, { message: "Validation Failed" }, { "x-github-request-id": "AB:1" }),
      want: { kind: "failed", reason: `${GHES} answered 422: Validation Failed (request id AB:1)` },
    },
    {
      name: "403 with the rate limit spent is rate-limited, with the reset time",
      answer: () =>
        jsonResponse(
          403,
          { message: "API rate limit exceeded" },
          { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000" },
        ),
      want: {
        kind: "rate-limited",
        reason: `${GHES} rate limit exceeded (403); it resets at 2030-01-01T00:00:00.000Z`,
      },
    },
    {
      name: "another 403 fails with GitHub's message",
      answer: () => jsonResponse(403, { message: "Must not be authenticated" }),
      want: { kind: "failed", reason: `${GHES} answered 403: Must not be authenticated` },
    },
    {
      name: "a 200 from something that is not GitHub's endpoint is not taken for a revocation",
      answer: () => new Response("<html>hello</html>", { status: 200 }),
      want: { kind: "failed", reason: `${GHES} answered 200` },
    },
    {
      name: "a redirect is not followed",
      answer: () => new Response(null, { status: 302, headers: { location: "https://evil.example/" } }),
      want: { kind: "failed", reason: `${GHES} redirected POST /credentials/revoke (302)` },
    },
  ])("$name", async ({ answer, want }) => {
    const { api } = setup(GHES, answer);
    const outcome = await api.revoke(new Secret(CANARY.classic));
    expect(outcome).toEqual(want);
    expect(findCanaries(JSON.stringify(outcome))).toEqual([]);
  });

  it("a server echoing the body in a message cut at 200 characters shows no part of the token", async () => {
    const echo = (prefix: number) => () =>
      jsonResponse(422, { message: `${"p".repeat(prefix)}Invalid: {"credentials":["${CANARY.classic}"]}` });
    for (const prefix of [100, 151, 172, 190]) {
      const { api } = setup(GHES, echo(prefix));
      const outcome = await api.revoke(new Secret(CANARY.classic));
      const reason = "reason" in outcome ? outcome.reason : "";
      expect(outcome.kind).toBe("failed");
      // Not even a piece: the first 12 characters of the token are enough to tell it apart.
      for (let at = 0; at + 12 <= CANARY.classic.length; at++)
        expect(reason).not.toContain(CANARY.classic.slice(at, at + 12));
    }
  });

  it("202 is revoked even when its body never ends", async () => {
    const { api } = setup(GITHUB, () => new Response(new ReadableStream({ start() {} }), { status: 202 }));
    expect(await api.revoke(new Secret(CANARY.classic))).toEqual({ kind: "revoked" });
  });

  it("a rate limit reset no date can hold says to try again later, not that the server was unreachable", async () => {
    const { api } = setup(GHES, () =>
      jsonResponse(
        403,
        { message: "API rate limit exceeded" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999999" },
      ),
    );
    expect(await api.revoke(new Secret(CANARY.classic))).toEqual({
      kind: "rate-limited",
      reason: `${GHES} rate limit exceeded (403); try again later`,
    });
  });

  it("a timeout fails, naming the bound and the setting", async () => {
    const { api } = setup(GHES, () => {
      throw Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });
    });
    expect(await api.revoke(new Secret(CANARY.classic))).toEqual({
      kind: "failed",
      reason: `${GHES} did not answer within 5 s; set GIT_CREDENTIAL_PAT_API_TIMEOUT_MS to wait longer`,
    });
  });

  it("a network error fails with its cause, never the token", async () => {
    const { api } = setup(GHES, () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:9 ${CANARY.classic}`), {
          code: "ECONNREFUSED",
        }),
      });
    });
    const outcome = await api.revoke(new Secret(CANARY.classic));
    expect(outcome.kind).toBe("failed");
    expect("reason" in outcome && outcome.reason).toMatch(
      /^could not reach https:\/\/ghe\.acme\.com\/api\/v3 \(connect ECONNREFUSED/,
    );
    expect(findCanaries(JSON.stringify(outcome))).toEqual([]);
  });
});

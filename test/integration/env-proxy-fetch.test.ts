// The Node build's proxy support (src/github/env-proxy-fetch.ts) in this process, under the real
// GitHub layer: a real forward proxy and the loopback fake API, real sockets and timeouts. The
// artifacts' end-to-end runs are in api-proxy.test.ts; here are the failure paths in detail.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGithubApi, envProxyFetch, type GithubApi, GithubApiError } from "../../src/github/index.js";
import { Secret } from "../../src/secret.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { type ForwardProxy, startForwardProxy } from "../helpers/forward-proxy.js";
import { generateCertificate } from "../helpers/git-https-server.js";

const PROXY_PASSWORD = "proxy-pa$$word-9X1";

describe("envProxyFetch under the GitHub layer (Node, real sockets)", () => {
  let api: FakeGithubApi;
  let proxy: ForwardProxy;
  const logLines: string[] = [];

  beforeEach(async () => {
    api = await startFakeGithubApi();
    api.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
    proxy = await startForwardProxy();
    logLines.length = 0;
  });
  afterEach(async () => {
    for (const line of logLines) recordOutput("log", line);
    expect(logLines.join("\n")).not.toContain(PROXY_PASSWORD);
    await proxy.close();
    await api.close();
  });

  const clientFor = (
    apiUrl: string,
    env: Record<string, string>,
    options: { timeoutMs?: number; direct?: typeof globalThis.fetch } = {},
  ): GithubApi => {
    const log = { debug: (line: string) => logLines.push(line) };
    const fetch = envProxyFetch(env, options.direct ?? globalThis.fetch, log);
    return createGithubApi(
      { apiUrl, timeoutMs: options.timeoutMs ?? 5_000, timeoutSetting: "TIMEOUT_VAR" },
      { fetch, log },
    );
  };

  async function failure(api: GithubApi): Promise<GithubApiError> {
    const error = await api.validate(new Secret(CANARY.classic)).then(
      () => expect.unreachable("validate() resolved"),
      (e: unknown) => e as GithubApiError,
    );
    const text = inspect(error, { depth: 8 });
    recordOutput("error", text);
    expect(text).not.toContain(PROXY_PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PROXY_PASSWORD));
    expect(error).toBeInstanceOf(GithubApiError);
    return error;
  }

  it("sends an http request to the proxy with an absolute URI and reads the answer", async () => {
    const info = await clientFor(api.ghesUrl, { HTTP_PROXY: proxy.url }).validate(new Secret(CANARY.classic));
    expect(info).toEqual({
      login: "alice",
      scopes: ["repo"],
      expiresAtMs: undefined,
      answeredByGithub: true,
    });
    expect(proxy.requests).toEqual([{ method: "GET", target: `${api.ghesUrl}/user`, authorized: true }]);
    expect(api.requests).toEqual([{ method: "GET", path: "/api/v3/user", authorized: true }]);
    expect(logLines).toContain(`${new URL(api.url).host} through the proxy ${proxy.url} (HTTP_PROXY)`);
  });

  it("hands a host NO_PROXY names to the plain fetch", async () => {
    const direct: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      direct.push(String(input));
      return globalThis.fetch(input, init);
    };
    const env = { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" };
    await clientFor(api.url, env, { direct: fetch }).validate(new Secret(CANARY.classic));
    expect(direct).toEqual([`${api.url}/user`]);
    expect(proxy.requests).toEqual([]);
    expect(logLines).toContain(`${new URL(api.url).host} is in NO_PROXY: no proxy`);
  });

  it("sends the proxy's credentials, percent-decoded", async () => {
    const guarded = await startForwardProxy({ credentials: { user: "corp\\bob", password: PROXY_PASSWORD } });
    try {
      const env = { HTTP_PROXY: guarded.urlWithCredentials("corp\\bob", PROXY_PASSWORD) };
      await clientFor(api.url, env).validate(new Secret(CANARY.classic));
      expect(guarded.requests).toEqual([{ method: "GET", target: `${api.url}/user`, authorized: true }]);
    } finally {
      await guarded.close();
    }
  });

  describe("https, through a CONNECT tunnel", () => {
    let certDir: string;
    let tlsApi: FakeGithubApi;
    beforeAll(async () => {
      certDir = await mkdtemp(join(tmpdir(), "gcp-proxy-tls-"));
      const files = await generateCertificate(certDir);
      tlsApi = await startFakeGithubApi({
        tls: { key: await readFile(files.keyFile), cert: await readFile(files.certFile) },
      });
      tlsApi.tokens.set(CANARY.classic, { login: "alice" });
    });
    afterAll(async () => {
      await tlsApi.close();
      await rm(certDir, { recursive: true, force: true });
    });

    it("verifies the server's certificate inside the tunnel: the proxy cannot stand in for GitHub", async () => {
      // This process does not trust the test CA (the artifacts' runs get NODE_EXTRA_CA_CERTS).
      const error = await failure(clientFor(tlsApi.url, { HTTPS_PROXY: proxy.url }));
      expect(error.message).toBe(`could not reach ${tlsApi.url} (self-signed certificate)`);
      expect(error.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
      expect(proxy.requests).toEqual([
        { method: "CONNECT", target: new URL(tlsApi.url).host, authorized: true },
      ]);
    });

    it("a tunnel the proxy refuses (407) names the proxy, never its credentials", async () => {
      const guarded = await startForwardProxy({ credentials: { user: "bob", password: "right" } });
      try {
        const env = { HTTPS_PROXY: guarded.urlWithCredentials("bob", PROXY_PASSWORD) };
        const error = await failure(clientFor(tlsApi.url, env));
        const authority = new URL(tlsApi.url).host;
        expect(error.message).toBe(
          `could not reach ${tlsApi.url} (the proxy ${guarded.url} refused to open a tunnel to ${authority}: 407 Proxy Authentication Required)`,
        );
        expect(error.hint).toMatch(/^the proxy wants a login/);
        expect(guarded.requests).toEqual([{ method: "CONNECT", target: authority, authorized: false }]);
      } finally {
        await guarded.close();
      }
    });

    it("a proxy that never answers CONNECT ends with the timeout", async () => {
      const hanging = await startForwardProxy({ hang: true });
      try {
        const started = performance.now();
        const error = await failure(clientFor(tlsApi.url, { HTTPS_PROXY: hanging.url }, { timeoutMs: 300 }));
        expect(performance.now() - started).toBeLessThan(1_300);
        expect(error.message).toBe(
          `${tlsApi.url} did not answer within 0.3 s; set TIMEOUT_VAR to wait longer`,
        );
        expect(hanging.requests).toHaveLength(1);
      } finally {
        await hanging.close();
      }
    });
  });

  it.each([
    { mode: "hang" as const, what: "an API that never answers" },
    { mode: "hang-body" as const, what: "an API that stalls after the headers" },
  ])("$what, behind the proxy, ends with the timeout", async ({ mode }) => {
    api.setMode(mode);
    const started = performance.now();
    const error = await failure(clientFor(api.url, { HTTP_PROXY: proxy.url }, { timeoutMs: 300 }));
    const elapsedMs = performance.now() - started;
    expect(error.message).toBe(`${api.url} did not answer within 0.3 s; set TIMEOUT_VAR to wait longer`);
    expect(elapsedMs).toBeGreaterThanOrEqual(280);
    expect(elapsedMs).toBeLessThan(1_300);
    expect(api.requests).toHaveLength(1);
  });

  it("a proxy nobody listens on is named as the proxy, without its credentials", async () => {
    const env = { HTTPS_PROXY: `http://bob:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:9` };
    const error = await failure(clientFor("https://ghe.example.invalid/api/v3", env));
    expect(error.message).toBe(
      "could not reach https://ghe.example.invalid/api/v3 (the proxy http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9)",
    );
    expect(error.hint).toMatch(/^check the proxy in HTTPS_PROXY/);
  });

  it("a proxy variable it cannot use is named, not echoed", async () => {
    const env = { HTTPS_PROXY: `socks5://bob:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:1080` };
    const error = await failure(clientFor("https://ghe.example.invalid/api/v3", env));
    expect(error.message).toBe(
      "could not reach https://ghe.example.invalid/api/v3 (HTTPS_PROXY names a socks5 proxy; only http:// and https:// proxies are supported)",
    );
  });
});

// People's commands behind a proxy, with both built artifacts: HTTPS_PROXY and friends (in either
// case, as curl reads them) send the API request through a real forward proxy — a CONNECT tunnel
// to the https fake API, TLS end to end — and NO_PROXY sends it straight to the API. The bun
// binary relies on bun's fetch for this, the Node build on src/github/env-proxy-fetch.ts; the
// same cases hold for both. Proxy credentials work and are never printed, debug log included.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { type ForwardProxy, startForwardProxy } from "../helpers/forward-proxy.js";
import { generateCertificate } from "../helpers/git-https-server.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

/** Not a token: a proxy password, which must never be printed either. */
const PROXY_PASSWORD = "proxy-pa$$word-7Q2";

const ourLines = (stderr: string) =>
  stderr.split("\n").filter((line) => line.startsWith("git-credential-pat:") || line.startsWith("hint:"));

let tls: { key: Buffer; cert: Buffer };
let certFile: string;
let certDir: string;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), "gcp-proxy-tls-"));
  const files = await generateCertificate(certDir);
  certFile = files.certFile;
  tls = { key: await readFile(files.keyFile), cert: await readFile(files.certFile) };
});
afterAll(async () => {
  await rm(certDir, { recursive: true, force: true });
});

describe.each(artifacts())("the API through a proxy, with the $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  let api: FakeGithubApi;
  let plainApi: FakeGithubApi;
  let proxy: ForwardProxy;
  let HOST: string;

  beforeEach(async () => {
    HOST = `proxied-${Math.random().toString(36).slice(2, 10)}.example`;
    sandbox = await createSandbox();
    sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
    // Both runtimes trust the test CA this way (bun reads NODE_EXTRA_CA_CERTS too).
    sandbox.env.NODE_EXTRA_CA_CERTS = certFile;
    api = await startFakeGithubApi({ tls });
    api.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
    plainApi = await startFakeGithubApi();
    plainApi.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
    proxy = await startForwardProxy();
  });
  afterEach(async () => {
    await proxy.close();
    await api.close();
    await plainApi.close();
    await sandbox.cleanup();
  });

  const run = (args: string[], env: Record<string, string>, input = "") =>
    runArtifact(artifact, args, { input, env: { ...sandbox.env, ...env }, timeoutMs: 20_000 });
  const login = (env: Record<string, string>, apiUrl = api.url) =>
    run(["login", "--with-token", "--host", HOST, "--api-url", apiUrl], env, `${CANARY.classic}\n`);
  const apiAuthority = () => new URL(api.url).host;

  it.each([
    { name: "HTTPS_PROXY", env: (p: string) => ({ HTTPS_PROXY: p }), viaProxy: true },
    { name: "https_proxy (lower case)", env: (p: string) => ({ https_proxy: p }), viaProxy: true },
    {
      name: "https_proxy over HTTPS_PROXY, as curl reads them",
      env: (p: string) => ({ https_proxy: p, HTTPS_PROXY: "http://127.0.0.1:9" }),
      viaProxy: true,
    },
    { name: "ALL_PROXY", env: (p: string) => ({ ALL_PROXY: p }), viaProxy: true },
    {
      name: "a NO_PROXY list that does not name the host",
      env: (p: string) => ({ HTTPS_PROXY: p, NO_PROXY: "example.com,.internal,localhost" }),
      viaProxy: true,
    },
    {
      name: "NO_PROXY naming the host",
      env: (p: string) => ({ HTTPS_PROXY: p, NO_PROXY: "example.com, 127.0.0.1" }),
      viaProxy: false,
    },
    {
      name: "no_proxy=* (lower case)",
      env: (p: string) => ({ https_proxy: p, no_proxy: "*" }),
      viaProxy: false,
    },
    { name: "only HTTP_PROXY, for an https API", env: (p: string) => ({ HTTP_PROXY: p }), viaProxy: false },
  ])("login --with-token with $name", async ({ env, viaProxy }) => {
    const result = await login(env(proxy.url));
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(result.stdout.toString()).toContain(`Logged in to ${HOST} as alice`);
    expect(proxy.requests).toEqual(
      viaProxy ? [{ method: "CONNECT", target: apiAuthority(), authorized: true }] : [],
    );
    expect(api.requests).toEqual([{ method: "GET", path: "/user", authorized: true }]);
  });

  it("verify goes through the proxy too", async () => {
    expect((await login({})).code).toBe(0);
    const result = await run(["verify"], { HTTPS_PROXY: proxy.url });
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(result.stdout.toString()).toMatch(new RegExp(`^ok +alice@${HOST.replace(".", "\\.")}: valid`));
    expect(proxy.requests).toEqual([{ method: "CONNECT", target: apiAuthority(), authorized: true }]);
    expect(api.requests).toHaveLength(2);
  });

  it("an https:// proxy: TLS to the proxy, and TLS to the API inside its tunnel", async () => {
    const secure = await startForwardProxy({ tls });
    try {
      const result = await login({ HTTPS_PROXY: secure.url });
      expect([result.code, result.stderr]).toEqual([0, ""]);
      expect(secure.requests).toEqual([{ method: "CONNECT", target: apiAuthority(), authorized: true }]);
      expect(api.requests).toHaveLength(1);
    } finally {
      await secure.close();
    }
  });

  it("an http API (on this machine) goes through HTTP_PROXY as an absolute-URI request", async () => {
    const result = await login({ HTTP_PROXY: proxy.url }, plainApi.ghesUrl);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(proxy.requests).toEqual([{ method: "GET", target: `${plainApi.ghesUrl}/user`, authorized: true }]);
    expect(plainApi.requests).toEqual([{ method: "GET", path: "/api/v3/user", authorized: true }]);
  });

  describe("a proxy that wants a login", () => {
    let guarded: ForwardProxy;
    beforeEach(async () => {
      guarded = await startForwardProxy({ credentials: { user: "corp\\bob", password: PROXY_PASSWORD } });
    });
    afterEach(async () => {
      await guarded.close();
    });

    it("gets it from the proxy URL, percent-decoded, and never prints it", async () => {
      const env = {
        HTTPS_PROXY: guarded.urlWithCredentials("corp\\bob", PROXY_PASSWORD),
        GIT_CREDENTIAL_PAT_DEBUG: "1",
      };
      const result = await login(env);
      expect(result.code).toBe(0);
      expect(guarded.requests).toEqual([{ method: "CONNECT", target: apiAuthority(), authorized: true }]);
      expect(result.stderr + result.stdout.toString()).not.toContain(PROXY_PASSWORD);
      expect(result.stderr + result.stdout.toString()).not.toContain(encodeURIComponent(PROXY_PASSWORD));
    });

    it.each([
      { name: "without credentials", user: undefined },
      { name: "with wrong ones", user: "corp\\eve" },
    ])("refused $name (407): one clear line and a hint, exit 1, nothing stored", async ({ user }) => {
      const url = user === undefined ? guarded.url : guarded.urlWithCredentials(user, PROXY_PASSWORD);
      for (const debug of ["", "1"]) {
        const result = await login({ HTTPS_PROXY: url, GIT_CREDENTIAL_PAT_DEBUG: debug });
        expect(result.code).toBe(1);
        const [first, hint] = ourLines(result.stderr);
        expect(first).toMatch(
          new RegExp(
            `^git-credential-pat: could not reach ${api.url} \\(.*407 Proxy Authentication Required\\)$`,
          ),
        );
        expect(hint).toMatch(
          /^hint: the proxy wants a login: .*HTTPS_PROXY=http:\/\/USER:PASSWORD@HOST:PORT$/,
        );
        expect(result.stderr).not.toContain(PROXY_PASSWORD);
        expect(result.stderr).not.toContain(encodeURIComponent(PROXY_PASSWORD));
      }
      expect(api.requests).toEqual([]);
      const list = await run(["list", "--json"], {});
      expect(JSON.parse(list.stdout.toString())).toEqual([]);
    });
  });

  it("a proxy that is not there: exit 1 at once, the proxy's password not printed", async () => {
    const result = await login({
      HTTPS_PROXY: `http://bob:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:9`,
      GIT_CREDENTIAL_PAT_DEBUG: "1",
    });
    expect(result.code).toBe(1);
    expect(result.durationMs).toBeLessThan(5000);
    expect(ourLines(result.stderr)[0]).toMatch(
      new RegExp(`^git-credential-pat: could not reach ${api.url} \\(.*\\)$`),
    );
    expect(result.stderr).not.toContain(PROXY_PASSWORD);
    expect(result.stderr).not.toContain(encodeURIComponent(PROXY_PASSWORD));
    expect(api.requests).toEqual([]);
  });

  it("a proxy that never answers is bounded by GIT_CREDENTIAL_PAT_API_TIMEOUT_MS", async () => {
    const hanging = await startForwardProxy({ hang: true });
    try {
      const result = await login({ HTTPS_PROXY: hanging.url, GIT_CREDENTIAL_PAT_API_TIMEOUT_MS: "1000" });
      expect(result.code).toBe(1);
      expect(result.durationMs).toBeGreaterThanOrEqual(1000);
      expect(result.durationMs).toBeLessThan(4000);
      expect(ourLines(result.stderr)[0]).toBe(
        `git-credential-pat: ${api.url} did not answer within 1 s; set GIT_CREDENTIAL_PAT_API_TIMEOUT_MS to wait longer`,
      );
      expect(hanging.requests).toEqual([{ method: "CONNECT", target: apiAuthority(), authorized: true }]);
    } finally {
      await hanging.close();
    }
  });
});

// A loopback stand-in for the GitHub REST API, just enough of GET /user and POST
// /credentials/revoke for the GitHub layer and the CLI: github.com-style paths (/user) and
// GHES-style ones (/api/v3/user), a mutable token table, and modes that make it hang, fail or
// refuse like the real thing. Tokens are never recorded.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface FakeTokenEntry {
  login: string;
  /** Sent as X-OAuth-Scopes (comma-separated). undefined → no header, as for a fine-grained token. */
  scopes?: string[];
  /** Raw GitHub-Authentication-Token-Expiration value; undefined → no header (token never expires). */
  expiresAt?: string;
}

/**
 * - ok: answer like GitHub.
 * - hang: accept the request and never answer (close() still ends it).
 * - hang-body: send a 200's headers for a known token, then stall before the body (a stuck proxy).
 * - 500: an internal server error, whatever the token.
 * - rate-limited: 403 with x-ratelimit-remaining 0 for a known token.
 * - sso: 403 with an X-GitHub-SSO "required; url=…" header for a known token.
 * - not-found: 404 for every request (a GHES older than 3.19 has no POST /credentials/revoke).
 *
 * POST /credentials/revoke (https://docs.github.com/en/rest/credentials/revoke) answers as GitHub
 * documents it: on the github.com-style path 202 without authentication and 403 with it; on the
 * GHES-style path (/api/v3) 202 only when authenticated with a known token (401 otherwise);
 * 422 when the body is not {"credentials": [...]} or names a token the table does not hold. A
 * revoked token leaves the table (GET /user then answers 401). "rate-limited" answers 403 with
 * X-RateLimit-Remaining 0 whoever asks (60 unauthenticated requests an hour); "hang", "500" and
 * "not-found" apply as everywhere.
 */
export type FakeMode = "ok" | "hang" | "hang-body" | "500" | "rate-limited" | "sso" | "not-found";

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Whether the request carried a token in the table. */
  authorized: boolean;
}

/** A POST /credentials/revoke as it arrived (never its body: that is the token). */
export interface FakeRevokeRequest {
  path: string;
  /** Whether it carried an Authorization header at all (a token in the table or not). */
  hasAuthorization: boolean;
}

export interface FakeGithubApiOptions {
  /** Serve https with this key and certificate (for 127.0.0.1) instead of plain http. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface FakeGithubApi {
  /** http://127.0.0.1:PORT (https:// with `tls`) — the github.com-style API base URL. */
  url: string;
  /** `${url}/api/v3` — the GHES-style API base URL. */
  ghesUrl: string;
  tokens: Map<string, FakeTokenEntry>;
  requests: FakeRequest[];
  revokeRequests: FakeRevokeRequest[];
  /** Sets the mode for paths starting with `pathPrefix` (longest prefix wins), or for all paths. */
  setMode(mode: FakeMode, pathPrefix?: string): void;
  /**
   * Holds every request from now on (recorded in `requests` as it arrives) until the function
   * returned is called; that answers the held ones as the mode says and stops holding. For tests
   * that must tell "did not wait for the API" from "the API was quick", with no sleep.
   */
  hold(): () => void;
  /** How many requests have been answered (or dropped by a hang mode): held ones are not. */
  answered(): number;
  close(): Promise<void>;
}

/** The rate limit's reset time the fake announces, in epoch seconds. */
export const FAKE_RATE_LIMIT_RESET = 1_893_456_000; // 2030-01-01T00:00:00Z
export const FAKE_SSO_URL = "https://github.com/orgs/acme/sso?authorization_request=FAKE123";

const USER_PATHS = new Set(["/user", "/api/v3/user"]);
const REVOKE_PATHS = new Set(["/credentials/revoke", "/api/v3/credentials/revoke"]);
const DOCS = "https://docs.github.com/rest";

export async function startFakeGithubApi(options: FakeGithubApiOptions = {}): Promise<FakeGithubApi> {
  const tokens = new Map<string, FakeTokenEntry>();
  const requests: FakeRequest[] = [];
  const revokeRequests: FakeRevokeRequest[] = [];
  const modes = new Map<string, FakeMode>();
  let globalMode: FakeMode = "ok";
  let requestCount = 0;

  const modeFor = (path: string): FakeMode => {
    const prefixes = [...modes.keys()].filter((prefix) => path.startsWith(prefix));
    const longest = prefixes.sort((a, b) => b.length - a.length)[0];
    return longest === undefined ? globalMode : (modes.get(longest) ?? globalMode);
  };

  let held: Array<() => void> | undefined;
  let answeredCount = 0;
  const handle: RequestListener = (req, res) => {
    const path = new URL(req.url ?? "/", "http://placeholder").pathname;
    const entry = tokens.get(tokenOf(req) ?? "");
    requests.push({ method: req.method ?? "", path, authorized: entry !== undefined });
    if (REVOKE_PATHS.has(path))
      revokeRequests.push({ path, hasAuthorization: req.headers.authorization !== undefined });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (held) held.push(() => answer(req, res, path, entry, body));
      else answer(req, res, path, entry, body);
    });
  };
  const answer: (
    ...args: [IncomingMessage, ServerResponse, string, FakeTokenEntry | undefined, string]
  ) => void = (req, res, path, entry, body) => {
    answeredCount++;
    const requestId = `FAKE:${(++requestCount).toString(16).toUpperCase()}`;
    const mode = modeFor(path);
    if (mode === "hang") return;
    if (mode === "500") return json(res, 500, { message: "Server Error" }, requestId);
    if (mode === "not-found")
      return json(res, 404, { message: "Not Found", documentation_url: DOCS }, requestId);
    if (req.method === "POST" && REVOKE_PATHS.has(path))
      return answerRevoke({
        res,
        path,
        entry,
        body,
        mode,
        requestId,
        tokens,
        hasAuthorization: req.headers.authorization !== undefined,
      });
    if (!entry) return json(res, 401, { message: "Bad credentials", documentation_url: DOCS }, requestId);
    if (mode === "rate-limited") return rateLimited(res, requestId);
    if (mode === "sso") return ssoRequired(res, requestId);
    if (mode === "hang-body") {
      res.writeHead(200, {
        "Content-Type": "application/json; charset=utf-8",
        "X-GitHub-Request-Id": requestId,
      });
      res.flushHeaders();
      return;
    }
    if (req.method !== "GET" || !USER_PATHS.has(path)) {
      return json(res, 404, { message: "Not Found", documentation_url: DOCS }, requestId);
    }
    const headers: Record<string, string> = {};
    if (entry.scopes !== undefined) headers["X-OAuth-Scopes"] = entry.scopes.join(", ");
    if (entry.expiresAt !== undefined) headers["GitHub-Authentication-Token-Expiration"] = entry.expiresAt;
    json(res, 200, { login: entry.login, id: 1, type: "User" }, requestId, headers);
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    ghesUrl: `${url}/api/v3`,
    tokens,
    requests,
    revokeRequests,
    setMode(mode, pathPrefix) {
      if (pathPrefix === undefined) globalMode = mode;
      else modes.set(pathPrefix, mode);
    },
    hold() {
      const queue: Array<() => void> = [];
      held = queue;
      return () => {
        if (held === queue) held = undefined;
        for (const release of queue.splice(0)) release();
      };
    },
    answered: () => answeredCount,
    close: async () => {
      if (!server.listening) return; // Idempotent: a test may close early, and afterEach again.
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging requests would keep close() waiting forever.
        server.closeAllConnections();
      });
    },
  };
}

interface RevokeRequest {
  res: ServerResponse;
  path: string;
  entry: FakeTokenEntry | undefined;
  body: string;
  mode: FakeMode;
  requestId: string;
  tokens: Map<string, FakeTokenEntry>;
  hasAuthorization: boolean;
}

/** POST /credentials/revoke, as FakeMode's comment says. */
function answerRevoke(request: RevokeRequest): void {
  const { res, mode, requestId } = request;
  if (mode === "rate-limited") rateLimited(res, requestId, "60");
  else {
    const [status, message] = revokeStatus(request);
    json(res, status, status === 202 ? {} : { message, documentation_url: DOCS }, requestId);
  }
}

/** The status and message GitHub answers a revoke with, revoking the credentials on 202. */
function revokeStatus({ path, entry, body, tokens, hasAuthorization }: RevokeRequest): [number, string] {
  const isGhes = path.startsWith("/api/v3/");
  if (!isGhes && hasAuthorization) return [403, "This endpoint must be used without authentication."];
  if (isGhes && !entry) return [401, "Bad credentials"];
  const credentials = credentialsOf(body);
  if (credentials === undefined || !credentials.every((token) => tokens.has(token)))
    return [422, "Validation Failed: a credential is not valid"];
  for (const token of credentials) tokens.delete(token);
  return [202, ""];
}

/** The body's credentials: 1 to 1000 strings, else undefined. */
function credentialsOf(body: string): string[] | undefined {
  try {
    const credentials = (JSON.parse(body) as { credentials?: unknown }).credentials;
    if (!Array.isArray(credentials) || credentials.length === 0 || credentials.length > 1000)
      return undefined;
    return credentials.every((token) => typeof token === "string") ? (credentials as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** GitHub accepts "token X" and "Bearer X" (case-insensitive scheme). */
function tokenOf(req: IncomingMessage): string | undefined {
  const match = /^(?:token|bearer) +(\S+)$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "X-GitHub-Request-Id": requestId,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function rateLimited(res: ServerResponse, requestId: string, limit = "5000"): void {
  json(
    res,
    403,
    {
      message: "API rate limit exceeded for user ID 1.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    },
    requestId,
    {
      "X-RateLimit-Limit": limit,
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Used": limit,
      "X-RateLimit-Reset": String(FAKE_RATE_LIMIT_RESET),
      "X-RateLimit-Resource": "core",
    },
  );
}

function ssoRequired(res: ServerResponse, requestId: string): void {
  json(
    res,
    403,
    {
      message:
        "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
      documentation_url:
        "https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/",
    },
    requestId,
    { "X-GitHub-SSO": `required; url=${FAKE_SSO_URL}` },
  );
}

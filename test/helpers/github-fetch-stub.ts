// A fetch that answers like GitHub's GET /user for a table of tokens (gh's httpmock, for unit
// tests of commands): no network; unknown tokens get 401 Bad credentials; every call is recorded
// (without the token) so tests can assert what was asked, and that nothing was retried.
// POST /credentials/revoke answers with `revoke` (202 unless a test changes it).
export interface StubToken {
  login: string;
  /** undefined: no X-OAuth-Scopes header (fine-grained). */
  scopes?: string[];
  /** Raw GitHub-Authentication-Token-Expiration value, e.g. "2026-12-20 10:00:00 UTC". */
  expiresAt?: string;
}

/** How the stub answers POST /credentials/revoke. */
export interface StubRevokeAnswer {
  status: number;
  message?: string;
  headers?: Record<string, string>;
}

export interface GithubFetchStub {
  fetch: typeof globalThis.fetch;
  calls: Array<{ url: string; authorized: boolean }>;
  tokens: Map<string, StubToken>;
  revoke: StubRevokeAnswer;
}

export function githubFetchStub(tokens: Record<string, StubToken>): GithubFetchStub {
  const table = new Map(Object.entries(tokens));
  const calls: GithubFetchStub["calls"] = [];
  const stub: GithubFetchStub = { fetch: undefined as never, calls, tokens: table, revoke: { status: 202 } };
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
    const token = (headers.get("authorization") ?? "").replace(/^(token|bearer)\s+/i, "");
    const entry = table.get(token);
    calls.push({ url, authorized: entry !== undefined });
    if (init?.method === "POST" && /\/credentials\/revoke$/.test(new URL(url).pathname)) {
      const { status, message, headers: extra } = stub.revoke;
      return new Response(status === 202 ? "{}" : JSON.stringify({ message: message ?? "" }), {
        status,
        headers: { "content-type": "application/json", "x-github-request-id": "STUB:3", ...extra },
      });
    }
    if (!entry || !/\/user$/.test(new URL(url).pathname)) {
      return new Response(JSON.stringify({ message: "Bad credentials" }), {
        status: 401,
        headers: { "content-type": "application/json", "x-github-request-id": "STUB:1" },
      });
    }
    const responseHeaders: Record<string, string> = {
      "content-type": "application/json",
      "x-github-request-id": "STUB:2",
    };
    if (entry.scopes) responseHeaders["x-oauth-scopes"] = entry.scopes.join(", ");
    if (entry.expiresAt) responseHeaders["github-authentication-token-expiration"] = entry.expiresAt;
    return new Response(JSON.stringify({ login: entry.login, id: 1 }), {
      status: 200,
      headers: responseHeaders,
    });
  }) as typeof globalThis.fetch;
  stub.fetch = fetch;
  return stub;
}

// A fetch stub for the GitHub layer's unit tests (gh's httpmock): answers every call with
// `answer` and records what was asked. The request body is kept as sent: tests of revoking check
// the token is there and nowhere else, so never hand `calls` to output the canary guard reads.
export interface FetchCall {
  url: string;
  method: string;
  authorization: string | null;
  userAgent: string | null;
  hasSignal: boolean;
  redirect: RequestInit["redirect"];
  /** The body as sent; undefined for none (toEqual then ignores it). */
  body?: string;
}

export function stubFetch(answer: () => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    calls.push({
      url: String(input),
      method: init.method ?? "GET",
      authorization: headers.get("authorization"),
      userAgent: headers.get("user-agent"),
      hasSignal: init.signal instanceof AbortSignal,
      redirect: init.redirect,
      body: init.body === undefined || init.body === null ? undefined : String(init.body),
    });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

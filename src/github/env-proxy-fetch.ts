// A fetch that honours the proxy variables (proxy-from-env.ts), for Node: Node 20's fetch (undici)
// ignores HTTPS_PROXY, so behind a corporate proxy login/verify/rotate could not reach GitHub while
// git and curl could. A request that goes through a proxy is sent over node:http(s) — a CONNECT
// tunnel for https (TLS end to end: the proxy sees the host name, never the token), an absolute
// URI for http; every other request goes to the wrapped fetch. bun's fetch reads the same
// variables itself and is not wrapped (cli/command-kit.ts).
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, RequestOptions } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Logger } from "../platform/deps.js";
import { proxyFromEnv, unbracketed } from "./proxy-from-env.js";

type Fetch = typeof globalThis.fetch;

/** `fetch` with https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY, all_proxy and no_proxy/NO_PROXY applied. */
export function envProxyFetch(
  env: Readonly<Record<string, string | undefined>>,
  fetch: Fetch,
  log: Logger,
): Fetch {
  return async (input, init) => {
    const target = new URL(input instanceof Request ? input.url : String(input));
    const choice = proxyFromEnv(target, env);
    if (choice.kind === "direct") {
      if (choice.bypassedBy) log.debug(`${target.host} is in ${choice.bypassedBy}: no proxy`);
      return fetch(input, init);
    }
    log.debug(`${target.host} through the proxy ${choice.shown} (${choice.variable})`);
    return fetchThroughProxy(choice.url, choice.shown, target, init ?? {});
  };
}

/**
 * The part of fetch the GitHub layer uses, through `proxy`: method, headers, a string or byte
 * body, a signal. Redirects are returned, never followed (only `redirect: "manual"` is accepted).
 * Fails like fetch: TypeError("fetch failed") with the reason as `cause`, or the signal's reason.
 */
async function fetchThroughProxy(
  proxy: URL,
  shown: string,
  target: URL,
  init: RequestInit,
): Promise<Response> {
  if (init.redirect !== "manual") throw new TypeError('a request through a proxy needs redirect: "manual"');
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const method = (init.method ?? "GET").toUpperCase();
  const body = bodyOf(init.body);
  const headers: OutgoingHttpHeaders = Object.fromEntries(new Headers(init.headers));
  headers.host = target.host;
  if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
  const request: Outgoing = { method, headers, body, signal };
  try {
    const message =
      target.protocol === "https:"
        ? await sendThroughTunnel(proxy, shown, target, request)
        : await sendToProxy(proxy, shown, target, request);
    return toResponse(message, target, method);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError("fetch failed", { cause: error });
  }
}

interface Outgoing {
  method: string;
  headers: OutgoingHttpHeaders;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

/** https: CONNECT, then TLS to the server inside the tunnel, then the request over it. */
async function sendThroughTunnel(
  proxy: URL,
  shown: string,
  target: URL,
  { method, headers, body, signal }: Outgoing,
): Promise<IncomingMessage> {
  const socket = await tunnel(proxy, shown, target, signal);
  const path = `${target.pathname}${target.search}`;
  const http = process.getBuiltinModule("node:http");
  return send(http.request({ createConnection: () => socket, method, path, headers, signal }), body);
}

/** http: the request itself to the proxy, with an absolute URI it forwards (RFC 9112 §3.2.2). */
function sendToProxy(
  proxy: URL,
  shown: string,
  target: URL,
  { method, headers, body, signal }: Outgoing,
): Promise<IncomingMessage> {
  const request = proxyModule(proxy).request({
    ...proxyAddress(proxy),
    method,
    path: target.href,
    headers: { ...headers, ...proxyAuthorization(proxy) },
    signal,
  });
  // Every failure here is the proxy's: say so, or "connect ECONNREFUSED" would seem to be the API's.
  return send(request, body).catch((error: Error) => {
    throw proxyError(error, shown);
  });
}

/** A TLS connection to `target` inside a CONNECT tunnel through `proxy`, verified as fetch verifies. */
function tunnel(proxy: URL, shown: string, target: URL, signal: AbortSignal | undefined): Promise<TLSSocket> {
  const authority = `${target.hostname}:${target.port || "443"}`;
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    const fail = (error: unknown) => {
      socket?.destroy();
      reject(error);
    };
    const connect = proxyModule(proxy).request({
      ...proxyAddress(proxy),
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      signal,
    });
    connect.once("error", (error) => fail(proxyError(error, shown)));
    connect.once("connect", (response: IncomingMessage, raw: Socket, head: Buffer) => {
      socket = raw;
      if (response.statusCode !== 200) {
        fail(
          codedError(
            `the proxy ${shown} refused to open a tunnel to ${authority}: ${response.statusCode} ${response.statusMessage ?? ""}`.trim(),
            "ERR_PROXY_TUNNEL",
          ),
        );
        return;
      }
      // A proxy sends nothing after its 200 before we speak; keep whatever it did send.
      if (head.length > 0) raw.unshift(head);
      const host = unbracketed(target.hostname);
      const isIp = /^[\d.]+$/.test(host) || host.includes(":");
      const secure = process.getBuiltinModule("node:tls").connect({
        socket: raw,
        host,
        // SNI takes a host name only (RFC 6066 §3); Node warns when given an IP address.
        servername: isIp ? undefined : host,
        ALPNProtocols: ["http/1.1"],
      });
      socket = secure;
      const onAbort = () => fail(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      secure.once("close", () => raw.destroy());
      secure.once("error", fail);
      secure.once("secureConnect", () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(secure);
      });
    });
    connect.end();
  });
}

function send(request: ClientRequest, body: string | Uint8Array | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request.once("response", resolve);
    request.once("error", reject);
    request.end(body);
  });
}

/** The answer as a fetch Response; the connection closes once its body has been read. */
function toResponse(message: IncomingMessage, target: URL, method: string): Response {
  const status = message.statusCode ?? 0;
  const headers = new Headers();
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) {
    headers.append(message.rawHeaders[i] as string, message.rawHeaders[i + 1] as string);
  }
  message.once("end", () => message.socket?.destroy());
  const hasBody = method !== "HEAD" && status !== 204 && status !== 205 && status !== 304;
  if (!hasBody) message.resume();
  const { Readable } = process.getBuiltinModule("node:stream");
  const response = new Response(
    hasBody ? (Readable.toWeb(message) as unknown as ReadableStream<Uint8Array>) : null,
    {
      status,
      statusText: message.statusMessage ?? "",
      headers,
    },
  );
  Object.defineProperty(response, "url", { value: target.href });
  return response;
}

function bodyOf(body: RequestInit["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new TypeError("a request through a proxy takes a string or byte body");
}

function proxyModule(proxy: URL) {
  return process.getBuiltinModule(proxy.protocol === "https:" ? "node:https" : "node:http");
}

/** Where the proxy listens; a connection of its own each time (no pool keeps the process alive). */
function proxyAddress(proxy: URL): Pick<RequestOptions, "host" | "port" | "agent"> {
  return {
    agent: false,
    host: unbracketed(proxy.hostname),
    // The URL's default port, as bun's fetch and undici use (curl alone assumes 1080).
    port: Number(proxy.port || (proxy.protocol === "https:" ? 443 : 80)),
  };
}

/** Basic credentials from the proxy URL (percent-decoded, as curl does); none when it has none. */
function proxyAuthorization(proxy: URL): OutgoingHttpHeaders {
  if (proxy.username === "" && proxy.password === "") return {};
  const credentials = `${decode(proxy.username)}:${decode(proxy.password)}`;
  return { "proxy-authorization": `Basic ${Buffer.from(credentials, "utf8").toString("base64")}` };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * An error on the way to the proxy, saying so (the address Node names is the proxy's). A copy,
 * not a wrapper: the innermost message in a cause chain is the one users see.
 */
function proxyError(error: Error, shown: string): Error {
  return codedError(`the proxy ${shown}: ${error.message}`, (error as { code?: string }).code);
}

function codedError(message: string, code: string | undefined): Error {
  return Object.assign(new Error(message), { code });
}

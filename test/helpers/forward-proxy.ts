// A real forward proxy for tests, like a corporate one: CONNECT tunnels (piped byte for byte, so
// TLS stays end to end) and plain-HTTP requests with an absolute URI, optionally behind Basic
// proxy authentication (407 without it). It records what it carried: never a header's value,
// since the API's Authorization header passes through it in the plain-HTTP case.
import { createServer, request as httpRequest, type RequestListener } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";

export interface ProxiedRequest {
  /** CONNECT, or the method of a forwarded plain-HTTP request. */
  method: string;
  /** CONNECT's host:port, or the absolute URI of a plain-HTTP request. */
  target: string;
  /** Whether it carried the proxy credentials the proxy wants (always true when it wants none). */
  authorized: boolean;
}

export interface ForwardProxyOptions {
  /** Require these credentials (Proxy-Authorization: Basic); answer 407 without them. */
  credentials?: { user: string; password: string };
  /** Accept connections and CONNECTs but never answer them (a proxy that hangs). */
  hang?: boolean;
  /** Speak TLS to clients (an https:// proxy) with this key and certificate for 127.0.0.1. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface ForwardProxy {
  /** http://127.0.0.1:PORT (https:// with `tls`), without credentials. */
  url: string;
  /** `url` with the credentials in it, percent-encoded (the form HTTPS_PROXY takes). */
  urlWithCredentials(user: string, password: string): string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString("base64")}`
    : undefined;
  const isAuthorized = (header: string | undefined) => expected === undefined || header === expected;

  const forward: RequestListener = (req, res) => {
    const authorized = isAuthorized(req.headers["proxy-authorization"]);
    requests.push({ method: req.method ?? "", target: req.url ?? "", authorized });
    if (options.hang) return;
    if (!authorized) {
      res.writeHead(407, { "Proxy-Authenticate": 'Basic realm="test proxy"', "Content-Length": "0" });
      res.end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("an absolute URI is required");
      return;
    }
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port || 80,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  };
  const server = options.tls ? createTlsServer(options.tls, forward) : createServer(forward);

  server.on("connect", (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const authorized = isAuthorized(req.headers["proxy-authorization"]);
    requests.push({ method: "CONNECT", target: req.url ?? "", authorized });
    if (options.hang) return;
    if (!authorized) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const match = /^(.+):(\d+)$/.exec(req.url ?? "");
    if (!match) {
      client.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const upstream = connect(Number(match[2]), (match[1] as string).replace(/^\[(.*)\]$/, "$1"), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => {
      client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    });
    client.on("close", () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? "https" : "http";
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    urlWithCredentials: (user, password) =>
      `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    requests,
    close: async () => {
      if (!server.listening) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

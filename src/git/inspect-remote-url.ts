// What kind of URL a git remote has, following git's own rules (connect.c url_is_local_not_ssh,
// parse_connect_url; transport.c is_url): SSH in all its spellings, http(s), local, or other.
// Pure: no I/O.
import { maskUrl } from "./url-secret.js";

export type RemoteUrl =
  | {
      kind: "ssh";
      /** "scp" for `[user@]host:path`, "url" for `ssh://`, `git+ssh://`, `ssh+git://`. */
      form: "scp" | "url";
      user?: string;
      /** Lower case, without brackets or port. */
      host: string;
      port?: number;
      /** As git sends it to the server: `owner/repo.git`, `/owner/repo.git`, `~user/repo`. */
      path: string;
    }
  | {
      kind: "http";
      scheme: "https" | "http";
      /** Lower case, with the port when it is not the scheme's default (what git sends as `host`). */
      host: string;
      path: string;
    }
  | { kind: "local" }
  | { kind: "other"; scheme: string };

const SSH_SCHEMES = new Set(["ssh", "git+ssh", "ssh+git"]);

/** Classifies a remote URL as git would read it. */
export function inspectRemoteUrl(url: string): RemoteUrl {
  // `<transport>::<address>` runs git-remote-<transport>: not ours to judge (transport.c).
  const helper = /^([A-Za-z][A-Za-z0-9+.-]*)::/.exec(url);
  if (helper) return { kind: "other", scheme: helper[1]?.toLowerCase() ?? "" };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) return inspectSchemeUrl(scheme, url.slice(scheme.length + 3));
  // url_is_local_not_ssh: no colon, or a slash before the first colon, is a path.
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  if (colon === -1 || (slash !== -1 && slash < colon)) return { kind: "local" };
  return inspectScpLike(url);
}

function inspectSchemeUrl(scheme: string, rest: string): RemoteUrl {
  if (scheme === "file") return { kind: "local" };
  const slash = rest.indexOf("/");
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? "" : rest.slice(slash);
  const at = authority.lastIndexOf("@");
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hostPort = splitHostPort(authority.slice(at + 1));
  if (hostPort === undefined) return { kind: "other", scheme };
  if (SSH_SCHEMES.has(scheme)) {
    return {
      kind: "ssh",
      form: "url",
      ...(userinfo === undefined ? {} : { user: userinfo }),
      host: hostPort.host,
      ...(hostPort.port === undefined ? {} : { port: hostPort.port }),
      path,
    };
  }
  if (scheme === "https" || scheme === "http") {
    const defaultPort = scheme === "https" ? 443 : 80;
    const port = hostPort.port === undefined || hostPort.port === defaultPort ? "" : `:${hostPort.port}`;
    const host = hostPort.host.includes(":") ? `[${hostPort.host}]` : hostPort.host;
    return {
      kind: "http",
      scheme,
      host: `${host}${port}`,
      path,
    };
  }
  return { kind: "other", scheme };
}

/** `[user@]host:path`, `[host:port]:path`, `[user@host:port]:path` (git's bracket form). */
function inspectScpLike(url: string): RemoteUrl {
  let hostPart: string;
  let path: string;
  if (url.startsWith("[")) {
    const close = url.indexOf("]");
    if (close === -1 || url[close + 1] !== ":") return { kind: "local" };
    hostPart = url.slice(1, close);
    path = url.slice(close + 2);
  } else {
    const colon = url.indexOf(":");
    hostPart = url.slice(0, colon);
    path = url.slice(colon + 1);
  }
  const at = hostPart.lastIndexOf("@");
  const user = at === -1 ? undefined : hostPart.slice(0, at);
  const hostPort = splitHostPort(hostPart.slice(at + 1));
  if (hostPort === undefined) return { kind: "local" };
  return {
    kind: "ssh",
    form: "scp",
    ...(user === undefined ? {} : { user }),
    host: hostPort.host,
    ...(hostPort.port === undefined ? {} : { port: hostPort.port }),
    path,
  };
}

/** "host", "host:22", "[::1]:22", "::1" (a bare IPv6 address inside brackets already stripped). */
function splitHostPort(text: string): { host: string; port?: number } | undefined {
  let host = text;
  let port: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close === -1) return undefined;
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after.startsWith(":")) port = after.slice(1);
    else if (after !== "") return undefined;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, port] = text.split(":") as [string, string];
  }
  if (host === "") return undefined;
  if (port === undefined || port === "") return { host: host.toLowerCase() };
  if (!/^\d{1,5}$/.test(port)) return undefined;
  return { host: host.toLowerCase(), port: Number(port) };
}

/** The URL with any secret in it masked, for messages: `https://alice:***@github.com/…`, `https://***@github.com/…`. */
export function redactUrl(url: string): string {
  return maskUrl(url);
}

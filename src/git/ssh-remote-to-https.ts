// The HTTPS URL an SSH remote should switch to, for a host that has a token. Pure: no I/O.
import type { RemoteUrl } from "./inspect-remote-url.js";

type SshRemoteUrl = Extract<RemoteUrl, { kind: "ssh" }>;

/**
 * GitHub's SSH-over-443 endpoint serves the same repositories as github.com
 * (docs.github.com "Using SSH over the HTTPS port").
 */
const SSH_ALIASES: Readonly<Record<string, string>> = { "ssh.github.com": "github.com" };

export interface HttpsSwitch {
  /** The token host this remote belongs to (as accounts name it, with a port when it has one). */
  tokenHost: string;
  /** `https://HOST/OWNER/REPO.git`; undefined when the path cannot be mapped (`~user/repo`, empty). */
  httpsUrl: string | undefined;
}

/** The host part of a token host ("ghe.acme.com:8443" → "ghe.acme.com"). */
export function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return (bracketed[1] ?? "").toLowerCase();
  return host.replace(/:\d+$/, "").toLowerCase();
}

/**
 * Which token host an SSH remote points at, and the HTTPS URL for it. The SSH port says nothing
 * about the HTTPS one, so hosts compare by name; a token host with a port keeps it in the URL.
 * The `.git` suffix is kept when the remote has it and never added.
 */
export function sshRemoteToHttps(
  remote: SshRemoteUrl,
  tokenHosts: readonly string[],
): HttpsSwitch | undefined {
  const hostname = SSH_ALIASES[remote.host] ?? remote.host;
  const candidates = tokenHosts.filter((host) => hostnameOf(host) === hostname);
  // Prefer the host as written without a port (the usual https://HOST).
  const tokenHost = candidates.find((host) => hostnameOf(host) === host.toLowerCase()) ?? candidates[0];
  if (tokenHost === undefined) return undefined;
  const path = remote.path.replace(/^\/+/, "").replace(/\/+$/, "");
  const mappable = path !== "" && !path.startsWith("~");
  return { tokenHost, httpsUrl: mappable ? `https://${tokenHost.toLowerCase()}/${path}` : undefined };
}

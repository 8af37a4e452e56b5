// Which transports a token may travel over.

/** Protocols a PAT works with; anything else (ssh, git, file) never gets one. */
export function isHttpProtocol(protocol: string | undefined): boolean {
  return protocol === "https" || protocol === "http";
}

/**
 * A token is kept only for https, or for http to this machine (test servers, proxies on
 * loopback): never for plain http to a real host, where it would cross the network in clear,
 * unless the user opted in (`allowHttp`, as GCM's credential.allowUnsafeRemotes).
 */
export function isSafeTransport(
  protocol: string | undefined,
  host: string | undefined,
  allowHttp = false,
): boolean {
  if (protocol === "https") return true;
  return protocol === "http" && host !== undefined && (allowHttp || isLoopbackHost(host));
}

/** localhost, 127.0.0.0/8 or ::1, with or without a port. */
export function isLoopbackHost(hostWithPort: string): boolean {
  const host = stripPort(hostWithPort).toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  return (
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host.split(".").every((part) => Number(part) <= 255)
  );
}

function stripPort(hostWithPort: string): string {
  if (/^\[[^\]]*\](?::\d*)?$/.test(hostWithPort)) return hostWithPort.slice(1, hostWithPort.indexOf("]"));
  const colon = hostWithPort.lastIndexOf(":");
  // A bare IPv6 address has several colons and no port.
  if (colon !== -1 && hostWithPort.indexOf(":") === colon) return hostWithPort.slice(0, colon);
  return hostWithPort;
}

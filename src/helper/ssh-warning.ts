import { type Credential, printable } from "../protocol/index.js";

/**
 * The one stderr line for a non-HTTP request: PATs only authenticate HTTPS, so say so and,
 * when host and path are known, give the exact command that switches the remote.
 */
export function sshWarning(request: Credential): string {
  const what = `${request.protocol ?? "unknown"}://${request.host ?? ""}`;
  const base = `personal access tokens only work over HTTPS, not ${what}`;
  if (!request.host || !request.path) return printable(`${base}; switch the remote to an https:// URL`);
  const host = request.host.replace(/:\d+$/, "");
  const path = request.path.endsWith(".git") ? request.path : `${request.path}.git`;
  return printable(`${base}; switch the remote: git remote set-url origin https://${host}/${path}`);
}

// The cache socket's wire format is git's own (credential-cache.c): `action=` and `timeout=`
// header lines, then the credential as key=value lines; the reply is key=value lines too.
import { CREDENTIAL_FIELDS, type Credential, parseRequest, serializeCredential } from "../protocol/index.js";

export const CACHE_ACTIONS = ["get", "store", "erase", "exit"] as const;
export type CacheAction = (typeof CACHE_ACTIONS)[number];

export interface CacheRequest {
  action: CacheAction;
  timeoutSeconds: number;
  credential: Credential;
}

export type DecodedCacheRequest = { kind: "ok"; request: CacheRequest } | { kind: "invalid"; reason: string };

export function encodeCacheRequest(request: CacheRequest): string {
  return `action=${request.action}\ntimeout=${request.timeoutSeconds}\n${serializeCredential(request.credential, CREDENTIAL_FIELDS)}\n`;
}

export function decodeCacheRequest(bytes: Uint8Array): DecodedCacheRequest {
  const text = Buffer.from(bytes).toString("utf8");
  const header = /^action=([a-z]+)\ntimeout=(\d{1,9})\n/.exec(text);
  if (!header) return { kind: "invalid", reason: "request must start with action= and timeout= lines" };
  const action = header[1] as CacheAction;
  if (!CACHE_ACTIONS.includes(action)) return { kind: "invalid", reason: "unknown action" };
  const parsed = parseRequest(Buffer.from(bytes).subarray(Buffer.byteLength(header[0])));
  if (parsed.kind === "invalid") return parsed;
  const { lists: _lists, ...credential } = parsed.request;
  return { kind: "ok", request: { action, timeoutSeconds: Number(header[2]), credential } };
}

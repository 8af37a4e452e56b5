// The cache socket's wire format is git's own (credential-cache.c): `action=` and `timeout=`
// header lines, then the credential as key=value lines (every attribute, and
// `capability[]=authtype` so the daemon answers with authtype/credential as git's does); the reply
// is key=value lines too. One line of our own: `match[]=exact-path` asks for MatchOptions.exactPath.
import {
  CREDENTIAL_FIELDS,
  type Credential,
  hasAuthtypeCapability,
  parseRequest,
  serializeCredential,
  serializeList,
} from "../protocol/index.js";

export const CACHE_ACTIONS = ["get", "store", "erase", "exit"] as const;
export type CacheAction = (typeof CACHE_ACTIONS)[number];

export interface CacheRequest {
  action: CacheAction;
  timeoutSeconds: number;
  credential: Credential;
  /** The client speaks git ≥ 2.46's authtype: a `get` reply may carry authtype and credential. */
  hasAuthtype?: boolean;
  /** Only entries whose path is the credential's, absence included (a host-wide lookup). */
  exactPath?: boolean;
}

export type DecodedCacheRequest = { kind: "ok"; request: CacheRequest } | { kind: "invalid"; reason: string };

const EXACT_PATH = "exact-path";

export function encodeCacheRequest(request: CacheRequest): string {
  const capability = request.hasAuthtype ? serializeList("capability", ["authtype"]) : "";
  const match = request.exactPath ? EXACT_PATH_ECHO : "";
  const credential = serializeCredential(request.credential, CREDENTIAL_FIELDS);
  return `action=${request.action}\ntimeout=${request.timeoutSeconds}\n${capability}${match}${credential}\n`;
}

/** The line a daemon that honoured `exactPath` adds to its answer (older daemons ignore the request). */
export const EXACT_PATH_ECHO = serializeList("match", [EXACT_PATH]);

/** Whether a daemon's answer says it looked the entry up with exactPath. */
export function hasExactPathEcho(reply: { lists: Readonly<Record<string, readonly string[]>> }): boolean {
  return reply.lists.match?.includes(EXACT_PATH) === true;
}

export function decodeCacheRequest(bytes: Uint8Array): DecodedCacheRequest {
  const text = Buffer.from(bytes).toString("utf8");
  const header = /^action=([a-z]+)\ntimeout=(\d{1,9})\n/.exec(text);
  if (!header) return { kind: "invalid", reason: "request must start with action= and timeout= lines" };
  const action = header[1] as CacheAction;
  if (!CACHE_ACTIONS.includes(action)) return { kind: "invalid", reason: "unknown action" };
  const parsed = parseRequest(Buffer.from(bytes).subarray(Buffer.byteLength(header[0])));
  if (parsed.kind === "invalid") return parsed;
  const { lists, ...credential } = parsed.request;
  return {
    kind: "ok",
    request: {
      action,
      timeoutSeconds: Number(header[2]),
      credential,
      hasAuthtype: hasAuthtypeCapability(parsed.request),
      exactPath: lists.match?.includes(EXACT_PATH) === true,
    },
  };
}

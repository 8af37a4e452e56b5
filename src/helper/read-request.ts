import { PatError } from "../errors.js";
import type { Io } from "../platform/deps.js";
import { type CredentialRequest, MAX_REQUEST_BYTES, parseRequest } from "../protocol/index.js";
import { DEFAULTS } from "../settings.js";

/** Reads and parses git's request from stdin, bounded in size and time. */
export async function readRequest(io: Io): Promise<CredentialRequest> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readStdin({ maxBytes: MAX_REQUEST_BYTES, timeoutMs: DEFAULTS.stdinTimeoutMs });
  } catch (error) {
    throw new PatError(
      `could not read the request from git: ${error instanceof Error ? error.message : "read failed"}`,
    );
  }
  const parsed = parseRequest(bytes);
  if (parsed.kind === "invalid") throw new PatError(`invalid request from git: ${parsed.reason}`);
  return parsed.request;
}

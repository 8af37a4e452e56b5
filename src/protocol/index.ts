// git's credential wire format: parse, serialize, match. Pure: no I/O, imports only the leaves.
export type { Credential, CredentialField, CredentialRequest } from "./credential.js";
export { CREDENTIAL_FIELDS } from "./credential.js";
export { matchCredential } from "./match-credential.js";
export { parseCredentialUrl } from "./parse-credential-url.js";
export { MAX_LINE_BYTES, MAX_REQUEST_BYTES, parseRequest } from "./parse-request.js";
export { printable } from "./printable.js";
export { findUnsafeField, RESPONSE_FIELDS, serializeCredential } from "./serialize.js";
export { isHttpProtocol, isLoopbackHost, isSafeTransport } from "./transport.js";
export { decodeUtf8, encodePath, encodeUserinfo, percentDecode } from "./url-codec.js";

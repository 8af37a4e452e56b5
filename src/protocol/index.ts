// git's credential wire format: parse, serialize, match. Pure: no I/O, imports only the leaves.
export {
  ATTRIBUTES,
  CREDENTIAL_FIELDS,
  isSameSlot,
  type Keeper,
  keepFor,
  keptExtras,
  keptFields,
  pickFields,
  RESPONSE_FIELDS,
  replyFields,
  SLOT_FIELDS,
  slotOf,
  wireKeyOf,
  withKnownExtras,
} from "./attributes.js";
export type {
  Credential,
  CredentialField,
  CredentialRequest,
  LookupOptions,
  ResolvedCredential,
  TokenSource,
} from "./credential.js";
export { hasAuthtypeCapability } from "./credential.js";
export { HELPER_OPTIONS, type HelperArgs, type HelperOptionName, readHelperArgs } from "./helper-args.js";
export { type MatchOptions, matchCredential } from "./match-credential.js";
export { parseCredentialUrl } from "./parse-credential-url.js";
export { MAX_LINE_BYTES, MAX_REQUEST_BYTES, parseRequest } from "./parse-request.js";
export { printable, shellQuote, shownName, userSelector } from "./printable.js";
export { findUnsafeField, serializeCredential, serializeList } from "./serialize.js";
export { isHttpProtocol, isLoopbackHost, isSafeTransport } from "./transport.js";
export { decodeUtf8, encodePath, encodeUserinfo, percentDecode } from "./url-codec.js";

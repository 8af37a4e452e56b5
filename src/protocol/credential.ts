// The credential as the rest of the code sees it: camelCase fields, times in ms.
// Wire names (password_expiry_utc, key[]) live only in this folder.
import type { Secret } from "../secret.js";

/**
 * A credential or a pattern. In a pattern a field that is `undefined` matches anything
 * (git's credential_match); an empty string is a value and matches only "".
 */
export interface Credential {
  protocol?: string;
  /** Host with port, as git sends it: "github.com", "127.0.0.1:8443". */
  host?: string;
  /** Repository path, only present with credential.useHttpPath: "acme/app.git". */
  path?: string;
  username?: string;
  password?: Secret;
  /** When the password stops working (git's password_expiry_utc, converted to ms). */
  passwordExpiresAtMs?: number;
}

/** A parsed request from git: the credential plus the repeated `key[]` lists. */
export interface CredentialRequest extends Credential {
  /** Values of `key[]` lines in order, keyed without the brackets ("wwwauth", "capability"). */
  lists: Readonly<Record<string, readonly string[]>>;
}

/** Fields a credential can carry on the wire, in the order git writes them. */
export const CREDENTIAL_FIELDS = [
  "protocol",
  "host",
  "path",
  "username",
  "password",
  "passwordExpiresAtMs",
] as const;

export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];

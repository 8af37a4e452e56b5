// git's credential_write: key=value lines, refusing values that would break the framing.
import { PatError } from "../errors.js";
import { CREDENTIAL_FIELDS, type Credential, type CredentialField } from "./credential.js";

/** What a `get` answers: only what we add, never `url=`. */
export const RESPONSE_FIELDS: readonly CredentialField[] = ["username", "password", "passwordExpiresAtMs"];

const WIRE_KEYS: Record<CredentialField, string> = {
  protocol: "protocol",
  host: "host",
  path: "path",
  username: "username",
  password: "password",
  passwordExpiresAtMs: "password_expiry_utc",
};

/**
 * Writes the given fields of a credential as git's key=value lines. Throws (without the value)
 * when a value contains CR, LF or NUL, as git's credential_write_item refuses to, so nothing can
 * smuggle an extra key into git's reading of our reply.
 */
export function serializeCredential(
  credential: Credential,
  fields: readonly CredentialField[] = RESPONSE_FIELDS,
): string {
  let out = "";
  for (const field of fields) {
    const value = wireValue(credential, field);
    if (value === undefined) continue;
    if (UNSAFE.test(value)) {
      throw new PatError(`refusing to write a ${field} that contains a CR, LF or NUL character`);
    }
    out += `${WIRE_KEYS[field]}=${value}\n`;
  }
  return out;
}

const UNSAFE = /[\r\n\0]/;

/** The first field whose value could not be written to git (or a credentials file) intact. */
export function findUnsafeField(
  credential: Credential,
  fields: readonly CredentialField[] = CREDENTIAL_FIELDS,
): CredentialField | undefined {
  return fields.find((field) => UNSAFE.test(wireValue(credential, field) ?? ""));
}

function wireValue(credential: Credential, field: CredentialField): string | undefined {
  if (field === "password") return credential.password?.reveal();
  if (field === "passwordExpiresAtMs") {
    const ms = credential.passwordExpiresAtMs;
    return ms === undefined ? undefined : String(Math.floor(ms / 1000));
  }
  return credential[field];
}

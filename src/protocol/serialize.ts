// git's credential_write: key=value lines, refusing values that would break the framing.
import { PatError } from "../errors.js";
import type { Secret } from "../secret.js";
import {
  ATTRIBUTES,
  type AttributeSpec,
  attributeOf,
  CREDENTIAL_FIELDS,
  type Credential,
  type CredentialField,
  RESPONSE_FIELDS,
} from "./attributes.js";

/**
 * Writes the given fields of a credential as git's key=value lines, in git's order (the order of
 * attributes.ts), by default what a `get` answers. Throws (without the value) when a value contains
 * CR, LF or NUL, as git's credential_write_item refuses to, so nothing can smuggle an extra key
 * into git's reading of our reply.
 */
export function serializeCredential(
  credential: Credential,
  fields: readonly CredentialField[] = RESPONSE_FIELDS,
): string {
  let out = "";
  for (const attribute of ATTRIBUTES) {
    if (!fields.includes(attribute.field)) continue;
    const value = wireValue(credential, attribute);
    if (value === undefined) continue;
    if (UNSAFE.test(value)) {
      throw new PatError(`refusing to write a ${attribute.field} that contains a CR, LF or NUL character`);
    }
    out += `${attribute.wire}=${value}\n`;
  }
  return out;
}

/** `key[]=value` lines for each value of a list ("capability" → `capability[]=authtype`). */
export function serializeList(name: string, values: readonly string[]): string {
  let out = "";
  for (const value of values) {
    if (UNSAFE.test(value))
      throw new PatError(`refusing to write a ${name}[] that contains a CR, LF or NUL character`);
    out += `${name}[]=${value}\n`;
  }
  return out;
}

const UNSAFE = /[\r\n\0]/;

/** The first field whose value could not be written to git (or a credentials file) intact. */
export function findUnsafeField(
  credential: Credential,
  fields: readonly CredentialField[] = CREDENTIAL_FIELDS,
): CredentialField | undefined {
  return fields.find((field) => UNSAFE.test(wireValue(credential, attributeOf(field)) ?? ""));
}

function wireValue(credential: Credential, attribute: AttributeSpec): string | undefined {
  const value = credential[attribute.field as CredentialField];
  if (value === undefined) return undefined;
  switch (attribute.type) {
    case "text":
      return value as string;
    case "secret":
      return (value as Secret).reveal();
    case "expiry":
      return String(Math.floor((value as number) / 1000));
    case "flag":
      return value === true ? "1" : undefined;
  }
}

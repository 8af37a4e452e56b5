// The git-credential-store file format: one https://user:pass@host[/path] line per credential.
// Lines we cannot read are kept verbatim, as git's credential-store keeps them.
import { encodePath, encodeUserinfo, parseCredentialUrl } from "../protocol/index.js";
import type { Secret } from "../secret.js";
import type { StoredCredential } from "./token-store.js";

export type CredentialLine =
  | { kind: "credential"; credential: StoredCredential; text: string }
  | { kind: "other"; text: string };

/** Splits a credentials file into lines; a line that is not a complete credential URL is "other". */
export function parseCredentialFile(content: string): CredentialLine[] {
  const lines = content.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((text) => {
    const parsed = parseCredentialUrl(text);
    if (parsed.kind === "ok") {
      const { credential } = parsed;
      if (credential.username !== undefined && credential.password !== undefined && credential.host !== "") {
        return { kind: "credential", credential: credential as StoredCredential, text };
      }
    }
    return { kind: "other", text };
  });
}

/** git's store_credential_file line: user and password percent-encoded, the host nearly as is (encodeHost). */
export function formatCredentialLine(credential: StoredCredential): string {
  return formatCredentialUrl(credential, credential.password);
}

/** proto://user[:password]@host[/path]; without a password it names a slot (the keychain account). */
export function formatCredentialUrl(
  credential: Pick<StoredCredential, "protocol" | "host" | "path" | "username">,
  password?: Secret,
): string {
  const secret = password === undefined ? "" : `:${encodeUserinfo(password.reveal())}`;
  const path = credential.path ? `/${encodePath(credential.path)}` : "";
  return `${credential.protocol}://${encodeUserinfo(credential.username)}${secret}@${encodeHost(credential.host)}${path}`;
}

/**
 * The host as written, except the characters that would change how the line reads back: "%"
 * (reading decodes it) and "/", "?", "#" (they end the host). Found by test/fuzz: a stored
 * host "%0D" read back as a CR, so the line became unreadable. git's credential-store encodes
 * every host character but the unreserved ones; ":" stays literal here so ports keep the
 * existing file lines and keychain account names.
 */
function encodeHost(host: string): string {
  return host.replace(/[%/?#]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatCredentialFile(lines: readonly CredentialLine[]): string {
  return lines.map((line) => `${line.text}\n`).join("");
}

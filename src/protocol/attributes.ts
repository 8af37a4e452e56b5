// Every attribute of git's credential protocol that the helper reads, keeps or writes back, as
// one table: the Credential type, the parser, the serializer, each store's keeping and the reply
// to git are all derived from it. Adding an attribute is adding one entry here.
import type { Secret } from "../secret.js";

/** Where a credential can be kept: the persistent stores, and memory (the cache daemon). */
export type Keeper = "file" | "keychain" | "memory";

const ALL: readonly Keeper[] = ["file", "keychain", "memory"];

/**
 * How an attribute's wire text converts: `text` as is; `secret` into a Secret (never printed);
 * `expiry` Unix seconds into ms (git: 0 or unparsable is "no expiry"); `flag` a git boolean.
 */
export type AttributeType = "text" | "secret" | "expiry" | "flag";

export interface AttributeSpec {
  /** The key on git's wire. */
  readonly wire: string;
  /** The camelCase field of Credential. */
  readonly field: string;
  readonly type: AttributeType;
  /** Part of a credential's slot: what matching compares and a store keeps one entry per. */
  readonly isSlot: boolean;
  /**
   * Written back to git in a `get` reply: `always`, `authtype` (only when git's request carried
   * `capability[]=authtype`, git ≥ 2.46) or `never` (git already has it).
   */
  readonly reply: "always" | "authtype" | "never";
  /** The stores that keep it (every store keeps the slot, as the entry's address). */
  readonly keptBy: readonly Keeper[];
}

/** In git's credential_write order. */
export const ATTRIBUTES = [
  // git ≥ 2.46: a scheme and its whole credential ("Bearer" + token) instead of username/password.
  // Kept in memory only: git's own store declines them, and so do our persistent stores.
  { wire: "authtype", field: "authtype", type: "text", isSlot: false, reply: "authtype", keptBy: ["memory"] },
  {
    wire: "credential",
    field: "authCredential",
    type: "secret",
    isSlot: false,
    reply: "authtype",
    keptBy: ["memory"],
  },
  // "Use once": never stored anywhere (git-credential-cache: "not storing ephemeral credential").
  { wire: "ephemeral", field: "isEphemeral", type: "flag", isSlot: false, reply: "never", keptBy: [] },
  { wire: "protocol", field: "protocol", type: "text", isSlot: true, reply: "never", keptBy: ALL },
  /** Host with port, as git sends it: "github.com", "127.0.0.1:8443". */
  { wire: "host", field: "host", type: "text", isSlot: true, reply: "never", keptBy: ALL },
  /** Repository path, only sent with credential.useHttpPath: "acme/app.git". */
  { wire: "path", field: "path", type: "text", isSlot: true, reply: "never", keptBy: ALL },
  { wire: "username", field: "username", type: "text", isSlot: true, reply: "always", keptBy: ALL },
  { wire: "password", field: "password", type: "secret", isSlot: false, reply: "always", keptBy: ALL },
  // An OAuth helper's refresh token, kept so this helper can sit in a chain with one (git's cache
  // and libsecret keep it; git's store file has no place for it).
  {
    wire: "oauth_refresh_token",
    field: "oauthRefreshToken",
    type: "secret",
    isSlot: false,
    reply: "always",
    keptBy: ["keychain", "memory"],
  },
  /** When the password stops working (Unix seconds on the wire, ms here). */
  {
    wire: "password_expiry_utc",
    field: "passwordExpiresAtMs",
    type: "expiry",
    isSlot: false,
    reply: "always",
    keptBy: ALL,
  },
] as const satisfies readonly AttributeSpec[];

type Attribute = (typeof ATTRIBUTES)[number];

type ValueOf<T extends AttributeType> = T extends "text"
  ? string
  : T extends "secret"
    ? Secret
    : T extends "expiry"
      ? number
      : boolean;

/**
 * A credential or a pattern, one optional field per attribute. In a pattern a field that is
 * `undefined` matches anything (git's credential_match); an empty string is a value and matches
 * only "".
 */
export type Credential = { [A in Attribute as A["field"]]?: ValueOf<A["type"]> };

export type CredentialField = Attribute["field"];

// The lists below are derived with plain loops, not map/filter: this module loads on every git
// operation, and under bun's interpreter each array builtin's first call costs ~0.05 ms.

/** Every field, in git's order: the cache wire carries them all. */
export const CREDENTIAL_FIELDS: readonly CredentialField[] = fieldsWhere(() => true);

/** The fields that address an entry (protocol, host, path, username). */
export const SLOT_FIELDS: readonly CredentialField[] = fieldsWhere((attribute) => attribute.isSlot);

/** What a `get` answers when git did not announce `capability[]=authtype`: never `url=`, never the slot. */
export const RESPONSE_FIELDS: readonly CredentialField[] = fieldsWhere(
  (attribute) => attribute.reply === "always",
);

const AUTHTYPE_RESPONSE_FIELDS = fieldsWhere((attribute) => attribute.reply !== "never");

/** What a `get` answers, given whether git's request carried `capability[]=authtype`. */
export function replyFields(hasAuthtypeCapability: boolean): readonly CredentialField[] {
  return hasAuthtypeCapability ? AUTHTYPE_RESPONSE_FIELDS : RESPONSE_FIELDS;
}

/** The fields `keeper` keeps, slot included. */
export function keptFields(keeper: Keeper): readonly CredentialField[] {
  return fieldsWhere((attribute) => isKeptBy(attribute, keeper));
}

/**
 * What `keeper` keeps beyond the slot and the password: what a store whose own format holds
 * only those (a credential-store line, a keychain item's account and secret) keeps beside them.
 */
export function keptExtras(keeper: Keeper): readonly CredentialField[] {
  return fieldsWhere(
    (attribute) => isKeptBy(attribute, keeper) && !attribute.isSlot && attribute.field !== "password",
  );
}

function isKeptBy(attribute: Attribute, keeper: Keeper): boolean {
  const keptBy: readonly Keeper[] = attribute.keptBy;
  for (let i = 0; i < keptBy.length; i++) if (keptBy[i] === keeper) return true;
  return false;
}

/** Whether two credentials address the same slot: equal protocol, host, path and username, absence included. */
export function isSameSlot(a: Credential, b: Credential): boolean {
  for (const field of SLOT_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}

/**
 * `credential` with the extras `keeper` keeps filled in from `known` where it has none, when
 * `known` holds the same token in the same slot. A git older than 2.41 hands a token it got from
 * us back to `store` without the password_expiry_utc it does not know (and before 2.41 without
 * an oauth_refresh_token); an expiry is a property of the token, so that store must not drop it.
 */
export function withKnownExtras<C extends Credential>(
  keeper: Keeper,
  credential: C,
  known: Credential | undefined,
): C {
  const isSameToken =
    known?.password !== undefined &&
    credential.password !== undefined &&
    known.password.equals(credential.password) &&
    isSameSlot(known, credential);
  if (!isSameToken) return credential;
  const merged: Record<string, unknown> = { ...credential };
  for (const field of keptExtras(keeper))
    if (merged[field] === undefined && known[field] !== undefined) merged[field] = known[field];
  return merged as C;
}

/** A copy of `credential` with only what `keeper` keeps. */
export function keepFor<C extends Credential>(keeper: Keeper, credential: C): C {
  return pickFields(credential, keptFields(keeper));
}

/** The pattern that addresses `credential`'s slot: its protocol, host, path and username, nothing else. */
export function slotOf<C extends Credential>(
  credential: C,
): Pick<C, "protocol" | "host" | "path" | "username"> {
  return pickFields(credential, SLOT_FIELDS);
}

/** A copy of `credential` with only `fields` (those it has). */
export function pickFields<C extends Credential>(credential: C, fields: readonly CredentialField[]): C {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (credential[field] !== undefined) picked[field] = credential[field];
  return picked as C;
}

/** The attribute behind a field. */
export function attributeOf(field: CredentialField): Attribute {
  for (const attribute of ATTRIBUTES) if (attribute.field === field) return attribute;
  throw new Error(`no attribute ${field}`);
}

/** The wire key of a field ("passwordExpiresAtMs" → "password_expiry_utc"). */
export function wireKeyOf(field: CredentialField): string {
  return attributeOf(field).wire;
}

/** The attribute read from a wire key; undefined for keys we ignore. */
export function attributeOfWireKey(key: string): Attribute | undefined {
  for (const attribute of ATTRIBUTES) if (attribute.wire === key) return attribute;
  return undefined;
}

function fieldsWhere(test: (attribute: Attribute) => boolean): CredentialField[] {
  const fields: CredentialField[] = [];
  for (const attribute of ATTRIBUTES) if (test(attribute)) fields.push(attribute.field);
  return fields;
}

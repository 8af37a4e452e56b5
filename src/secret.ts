// Tokens as values that cannot leak by accident: masked in toString/JSON/inspect,
// readable only through reveal(). Leaf module: imports nothing from the project.

const MASK = "********";
const TOKEN_PATTERN = /gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}/g;

/** Every secret value this process has seen, so scrub() can remove it from any text. */
const seen = new Set<string>();

/** A token or password. Never printed; `reveal()` is allowed only in serialize, store backends and github/. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    // Very short values (e.g. "x") would turn scrub() into a text shredder; they are not tokens.
    if (value.length >= 4) seen.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${MASK})`;
  }
}

export type TokenKind =
  | "classic"
  | "fine-grained"
  | "oauth"
  | "user-to-server"
  | "server-to-server"
  | "refresh"
  | "other";

const PREFIX_KINDS: ReadonlyArray<[string, TokenKind]> = [
  ["github_pat_", "fine-grained"],
  ["ghp_", "classic"],
  ["gho_", "oauth"],
  ["ghu_", "user-to-server"],
  ["ghs_", "server-to-server"],
  ["ghr_", "refresh"],
];

/** What kind of GitHub token this is, from its documented prefix. */
export function tokenKind(secret: Secret): TokenKind {
  const value = secret.reveal();
  return PREFIX_KINDS.find(([prefix]) => value.startsWith(prefix))?.[1] ?? "other";
}

/** First 8 hex digits of sha256: identifies a token without revealing any of it. */
export function fingerprint(secret: Secret): string {
  return sha256Hex(secret.reveal()).slice(0, 8);
}

interface BunHasher {
  CryptoHasher: new (algorithm: "sha256") => { update(text: string): { digest(encoding: "hex"): string } };
}

/**
 * sha256 of `text` in hex. Under bun its native hasher (0.1 ms); node:crypto costs ~5 ms to load
 * under bun and ~3 ms under Node, so it is loaded here on first use, never imported.
 */
export function sha256Hex(text: string): string {
  const bun = (globalThis as { Bun?: BunHasher }).Bun;
  if (bun) return new bun.CryptoHasher("sha256").update(text).digest("hex");
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(text).digest("hex");
}

/** GitHub logins are at most 39 letters, digits and single hyphens, so a longer name is not one. */
const MAX_LOGIN_LENGTH = 39;

/**
 * Whether a name (a username git keeps, a URL's user) is really a token: a GitHub token prefix,
 * 40 hex digits (classic tokens before 2021), or anything longer than a GitHub login that is not
 * an e-mail address (Bitbucket and Azure DevOps user names are). People put tokens there too
 * (`https://TOKEN@github.com/…`), and git then stores the token as the username.
 */
export function looksLikeToken(name: string): boolean {
  // Pasted tokens often carry a space or newline at either end; git keeps them as typed.
  const bare = name.trim();
  if (PREFIX_KINDS.some(([prefix]) => bare.startsWith(prefix))) return true;
  if (/^[0-9a-f]{40}$/i.test(bare)) return true;
  return bare.length > MAX_LOGIN_LENGTH && !/[@\s]/.test(bare);
}

/**
 * Whether git keeps the token as the username (`https://TOKEN@host/…`): a token-shaped name and
 * a password that is not one (x-oauth-basic, "", whatever git's prompt got). With a token in the
 * password too, the password is the token git authenticates with.
 */
export function isTokenKeptAsUsername(username: string, password: Secret): boolean {
  return looksLikeToken(username) && !isTokenShaped(password);
}

/** Whether a secret is shaped like a token at all (a GHES password, x-oauth-basic are not). */
export function isTokenShaped(secret: Secret): boolean {
  return looksLikeToken(secret.reveal());
}

/** "ghp_… (fp 3f9a1c2b)": the prefix gh shows, plus a fingerprint. */
export function describe(secret: Secret): string {
  const prefix = PREFIX_KINDS.find(([p]) => secret.reveal().startsWith(p))?.[0];
  return `${prefix ?? ""}… (fp ${fingerprint(secret)})`;
}

/** Second line of defence: removes every seen secret and anything shaped like a GitHub token. */
export function scrub(text: string): string {
  let out = text;
  // Longest first: masking a secret that is part of a longer one first would leave the rest of it.
  for (const value of [...seen].sort((a, b) => b.length - a.length)) {
    if (out.includes(value)) out = out.split(value).join(MASK);
  }
  return out.replace(TOKEN_PATTERN, MASK);
}

// What we remember about an account (accounts.json in the config directory). Never the token:
// that lives in the store. Pure types and helpers; no I/O.
import type { TokenKind } from "../secret.js";
import type { StoreName } from "../settings.js";

export interface Account {
  /** Host as git sends it (with port when not 443): "github.com", "ghe.acme.com". */
  host: string;
  login: string;
  /** Only when not the default for the host (https://api.github.com, https://HOST/api/v3). */
  apiUrl?: string;
  kind: TokenKind;
  /** fingerprint() of the token this metadata describes: tells a stale record from a current one. */
  fingerprint: string;
  /** undefined = GitHub reported none (fine-grained tokens), [] = a classic token with no scopes. */
  scopes?: string[];
  expiresAtMs?: number;
  lastCheckedAtMs?: number;
  /** Outcome of the last check against the API. */
  lastCheck?: "valid" | "rejected" | "expired";
  isDefault: boolean;
  /** Repository owners routed to this account when git sends a path (credential.useHttpPath). */
  owners: string[];
  /** Where its token is. */
  store: StoreName;
  rotatedAtMs?: number;
}

/**
 * What GitHub said about one token the store holds, whoever stored it (login, git's prompt,
 * import): found by host and fingerprint, never by login, since git may keep a token under any
 * username. `verify` and the learning after git's `store` write it; `login` and `rotate` too.
 */
export interface TokenFacts {
  /** Host as git sends it, lower case (with port when not 443). */
  host: string;
  /** fingerprint() of the token. */
  fingerprint: string;
  /** The GitHub login the token authenticates as. */
  login: string;
  kind: TokenKind;
  /** undefined = GitHub reported none (fine-grained tokens), [] = a classic token with no scopes. */
  scopes?: string[];
  expiresAtMs?: number;
  checkedAtMs: number;
  check: "valid" | "rejected" | "expired";
  /** Only when not the default for the host (https://api.github.com, https://HOST/api/v3). */
  apiUrl?: string;
}

export interface AccountsFile {
  version: 1;
  accounts: Account[];
  /** Facts about stored tokens (TokenFacts); absent in files written before they were kept. */
  tokens?: TokenFacts[];
}

/** accounts.json's content: routing accounts and what is known about stored tokens. */
export interface AccountsData {
  accounts: Account[];
  tokens: TokenFacts[];
}

// What the GitHub layer tells the rest of the program about a token. The layer itself
// (Octokit) is loaded only by people's commands, never on git's get/store/erase path.
import type { Secret } from "../secret.js";

/** What GET /user says about a token. */
export interface TokenInfo {
  /** The account the token authenticates as. */
  login: string;
  /**
   * Scopes from X-OAuth-Scopes. undefined when the header is absent: fine-grained tokens
   * have permissions, not scopes, and GitHub sends no such header for them.
   */
  scopes: string[] | undefined;
  /** From GitHub-Authentication-Token-Expiration; undefined when the token never expires. */
  expiresAtMs: number | undefined;
  /**
   * Whether the answer carries X-GitHub-Request-Id, which github.com and GHES send on every API
   * response: another server answering 200 to GET /user is not taken for GitHub by it.
   */
  answeredByGithub: boolean;
}

export interface GithubApi {
  /** The API base URL this client talks to, e.g. https://api.github.com or https://ghe.acme.com/api/v3. */
  readonly apiUrl: string;
  /**
   * GET /user with the token. Rejects with AuthError (exit 4) on 401 (never retried: GitHub
   * locks out after repeated bad credentials), PatError on 403 rate limits, 5xx, timeouts and
   * network errors — messages name the API URL and status, never the token.
   */
  validate(token: Secret): Promise<TokenInfo>;
  /**
   * POST /credentials/revoke with the token in the body (never in a header on github.com: an
   * authenticated request gets 403 there; GHES 3.19+ wants it authenticated with the token
   * itself). Never rejects: every failure is an outcome, bounded by the API timeout.
   */
  revoke(token: Secret): Promise<RevokeOutcome>;
}

/**
 * What POST /credentials/revoke came to, for one token. Only "revoked" means GitHub will refuse
 * it from now on; every other outcome leaves it working. `reason` is printable and never holds
 * the token.
 */
export type RevokeOutcome =
  | { kind: "revoked" }
  /** 404: the host has no such endpoint (GitHub Enterprise Server before 3.19). */
  | { kind: "unsupported"; reason: string }
  /** 403/429 with the rate limit spent (60 requests an hour on github.com). */
  | { kind: "rate-limited"; reason: string }
  | { kind: "failed"; reason: string };

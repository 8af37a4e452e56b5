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
}

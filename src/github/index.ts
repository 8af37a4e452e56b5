// The GitHub layer: checks tokens against the REST API (GET /user) through @octokit/core and
// reads scopes and expiry from its headers; revokes tokens (POST /credentials/revoke); under
// Node it also applies HTTPS_PROXY/NO_PROXY.
// Loaded lazily, by people's commands only, never on git's get/store/erase path. Imports only
// the leaves (secret.ts, errors.ts) and platform/deps.ts types.
export { defaultApiUrl, normalizeApiUrl } from "./api-url.js";
export { envProxyFetch } from "./env-proxy-fetch.js";
export { createGithubApi, type GithubApiDeps, type GithubApiOptions } from "./github-api.js";
export { GithubApiError, GithubAuthError, type GithubResponseDetails } from "./github-errors.js";
export { parseTokenExpiration } from "./token-expiration.js";
export type { GithubApi, RevokeOutcome, TokenInfo } from "./types.js";

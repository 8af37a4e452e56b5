// Tokens from the environment for CI, read-only, ahead of every store (gh's precedence):
// GH_TOKEN / GITHUB_TOKEN serve https://github.com; GH_ENTERPRISE_TOKEN /
// GITHUB_ENTERPRISE_TOKEN serve the GHES host named by GH_HOST. Never any other host.
import type { Credential, ResolvedCredential, TokenSource } from "../protocol/index.js";
import { Secret } from "../secret.js";

export const GITHUB_HOST = "github.com";

/** git's convention for a token used as a password with no meaningful username. */
export const TOKEN_USERNAME = "x-access-token";

export interface EnvToken {
  host: string;
  variable: string;
  token: Secret;
}

/** The environment tokens that apply, with the variable each came from. */
export function envTokens(env: Readonly<Record<string, string | undefined>>): EnvToken[] {
  const tokens: EnvToken[] = [];
  const first = (...names: string[]) => names.find((name) => env[name]);
  const dotcom = first("GH_TOKEN", "GITHUB_TOKEN");
  if (dotcom) tokens.push({ host: GITHUB_HOST, variable: dotcom, token: new Secret(env[dotcom] as string) });
  const ghesHost = normalizeHost(env.GH_HOST);
  const enterprise = first("GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN");
  if (enterprise && ghesHost && ghesHost !== GITHUB_HOST) {
    tokens.push({ host: ghesHost, variable: enterprise, token: new Secret(env[enterprise] as string) });
  }
  return tokens;
}

/** GH_HOST is a host name; tolerate a scheme or trailing slash people paste in. */
function normalizeHost(value: string | undefined): string | undefined {
  return value
    ?.trim()
    .replace(/^https?:\/\//i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
}

export class EnvTokenSource implements TokenSource {
  readonly name = "env";

  constructor(private readonly tokens: readonly EnvToken[]) {}

  /** The environment token for this https request's host, if any. */
  find(pattern: Credential): EnvToken | undefined {
    if (pattern.protocol !== "https" || pattern.host === undefined) return undefined;
    const host = pattern.host.toLowerCase();
    return this.tokens.find((entry) => entry.host === host);
  }

  async get(pattern: Credential): Promise<ResolvedCredential | undefined> {
    const found = this.find(pattern);
    // The username git asked for wins (it may be part of the remote URL); otherwise git's token convention.
    return found && { username: pattern.username ?? TOKEN_USERNAME, password: found.token };
  }
}

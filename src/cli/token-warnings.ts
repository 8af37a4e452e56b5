// GitHub's PAT advice, as warnings wherever a token's scopes and expiry are known: least privilege
// and an expiry ("Managing your personal access tokens", docs.github.com). Pure.

/**
 * Classic scopes a git client over HTTPS never needs, because each lets a stolen token do harm git
 * never does: administer organizations, repositories' hooks and keys (admin:*), delete
 * repositories or packages, change the account (user), write organization membership or packages,
 * act as a site administrator (GHES). Scopes git needs — repo, public_repo, workflow (to push
 * workflow files), read:packages — and harmless read scopes are never flagged.
 */
export function overBroadScopes(scopes: readonly string[] | undefined): string[] {
  if (scopes === undefined) return [];
  return scopes.filter(
    (scope) =>
      scope.startsWith("admin:") ||
      ["delete_repo", "delete:packages", "site_admin", "write:org", "user", "write:packages"].includes(scope),
  );
}

export interface TokenWarningInput {
  /** classic tokens have scopes; the others permissions (nothing to judge here). */
  kind: string;
  scopes: readonly string[] | undefined;
  expiresAtMs: number | undefined;
  /** Whether GitHub was asked about the token: only then does a missing expiry mean "never". */
  isVerified: boolean;
}

/** One sentence per piece of advice that applies; none for a token that follows it. */
export function tokenWarnings(token: TokenWarningInput): string[] {
  const warnings: string[] = [];
  const broad = overBroadScopes(token.scopes);
  if (token.kind === "classic" && broad.length > 0) {
    warnings.push(
      `has scopes a git client never needs (${broad.join(", ")}): make a token with only repo (and workflow) and rotate to it`,
    );
  }
  if (token.isVerified && token.expiresAtMs === undefined) {
    warnings.push(
      "never expires: GitHub advises an expiry (30 days by default when you create one); rotate to a token that expires",
    );
  }
  return warnings;
}

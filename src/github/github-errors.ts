// Our errors for what the GitHub API said, keeping what a support request needs (status, GitHub's
// message, X-GitHub-Request-Id) next to the exit code of the class they extend.
import { AuthError, PatError } from "../errors.js";

/** What the API answered; every field is undefined when no answer came (timeout, network). */
export interface GithubResponseDetails {
  /** The API base URL asked, e.g. https://api.github.com. */
  apiUrl: string;
  status: number | undefined;
  /** The `message` of GitHub's JSON error body, e.g. "Bad credentials". */
  githubMessage: string | undefined;
  /** X-GitHub-Request-Id: what GitHub support (or a GHES admin) asks for. */
  requestId: string | undefined;
}

interface GithubErrorOptions {
  details: GithubResponseDetails;
  hint?: string;
  cause?: unknown;
}

/** Only the detail fields (a caller may hand over a richer object). */
function pickDetails({
  apiUrl,
  status,
  githubMessage,
  requestId,
}: GithubResponseDetails): GithubResponseDetails {
  return { apiUrl, status, githubMessage, requestId };
}

/** The token was rejected or is not authorised (exit 4). */
export class GithubAuthError extends AuthError implements GithubResponseDetails {
  declare readonly apiUrl: string;
  declare readonly status: number | undefined;
  declare readonly githubMessage: string | undefined;
  declare readonly requestId: string | undefined;

  constructor(message: string, { details, ...options }: GithubErrorOptions) {
    super(message, options);
    Object.assign(this, pickDetails(details));
  }
}

/** Anything else that kept the API from answering: rate limit, 5xx, timeout, network (exit 1). */
export class GithubApiError extends PatError implements GithubResponseDetails {
  declare readonly apiUrl: string;
  declare readonly status: number | undefined;
  declare readonly githubMessage: string | undefined;
  declare readonly requestId: string | undefined;

  constructor(message: string, { details, ...options }: GithubErrorOptions) {
    super(message, options);
    Object.assign(this, pickDetails(details));
  }
}

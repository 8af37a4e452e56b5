// Typed errors and the exit-code table. Only main.ts turns them into an exit status.
// Leaf module: imports nothing from the project.

export class PatError extends Error {
  readonly exitCode: number = 1;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments. */
export class UsageError extends PatError {
  override readonly exitCode = 2;
}

/** Nothing to act on: no such account, no token for a host. */
export class NotFoundError extends PatError {
  override readonly exitCode = 3;
}

/** Token rejected, expired or lacking a scope. */
export class AuthError extends PatError {
  override readonly exitCode = 4;
}

/** The store cannot be used: no Secret Service, locked keyring, unsafe directory. */
export class BackendUnavailableError extends PatError {
  override readonly exitCode = 5;
}

/** Ctrl-C at a prompt. */
export class CancelledError extends PatError {
  override readonly exitCode = 130;
}

/** The command already printed its own report; exit with this code and say nothing more. */
export class SilentError extends PatError {
  override readonly exitCode: number;

  constructor(exitCode: number) {
    super("");
    this.exitCode = exitCode;
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof PatError ? error.exitCode : 1;
}

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

/**
 * Duck-typed rather than instanceof: the standalone binary loads the CLI as a bundle of its own,
 * with its own copy of these classes.
 */
export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === "number" ? code : 1;
}

/** The error's `hint:` line, if it has one (duck-typed like exitCodeOf). */
export function hintOf(error: unknown): string | undefined {
  const hint = (error as { hint?: unknown } | null)?.hint;
  return typeof hint === "string" && hint !== "" ? hint : undefined;
}

/** The stable codes of `LuciaError`; code written for Lucia v2 branches on the same strings. */
export type LuciaErrorCode =
  | "AUTH_INVALID_SESSION_ID"
  | "AUTH_INVALID_USER_ID"
  | "AUTH_INVALID_KEY_ID"
  | "AUTH_INVALID_PASSWORD"
  | "AUTH_DUPLICATE_KEY_ID"
  | "AUTH_OUTDATED_PASSWORD"
  | "AUTH_INVALID_REQUEST"
  | "AUTH_DATABASE_FAILURE"
  | "AUTH_TOO_MANY_REQUESTS";

/**
 * The one error class of the library. `message` starts with the code (Lucia v2 code compared
 * `message` with the code), followed by an explanation when there is one.
 *
 * @example
 * if (e instanceof LuciaError && e.code === "AUTH_INVALID_PASSWORD") return fail(400, ...);
 */
export class LuciaError extends Error {
  override readonly name = "LuciaError";
  readonly code: LuciaErrorCode;
  /** For `AUTH_TOO_MANY_REQUESTS`: when to try again (the `Retry-After` header's value). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: LuciaErrorCode,
    detail?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** Wraps a driver error; the message never repeats the driver's text (it may hold values). */
export function databaseFailure(cause: unknown): LuciaError {
  if (cause instanceof LuciaError) return cause;
  return new LuciaError("AUTH_DATABASE_FAILURE", "the session or user store failed", { cause });
}

/** True for the failure a request handler should answer with 503, not with a sign-out. */
export function isDatabaseFailure(error: unknown): error is LuciaError {
  return error instanceof LuciaError && error.code === "AUTH_DATABASE_FAILURE";
}

/** Rethrows a driver error as `AUTH_DATABASE_FAILURE` (a `LuciaError` passes unchanged). */
export function rethrowAsDatabaseFailure(error: unknown): never {
  throw databaseFailure(error);
}

/** Runs an adapter call, turning any driver error into `AUTH_DATABASE_FAILURE`. */
export async function store<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw databaseFailure(error);
  }
}

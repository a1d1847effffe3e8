import type { RequestEvent, RequestEventCommon, RequestHandler } from "@builder.io/qwik-city";
import type { Auth } from "../core/auth.js";
import { isDatabaseFailure } from "../core/errors.js";
import type { AuthRequest } from "../core/request.js";
import { markPrivate, type AnySession, type AuthState } from "./auth-request.js";
import { wantsPage } from "./request-event.js";

/** The message of the 503 answered while the session store is down. */
export const DATABASE_FAILURE_MESSAGE =
  "Sign-in is temporarily unavailable: the session store did not answer. Please try again.";

export interface AuthPluginOptions {
  /** The text of the 503 page when the session store fails. */
  databaseFailureMessage?: string;
}

/**
 * The `onRequest` of `src/routes/plugin@auth.ts`: creates the request's `AuthRequest`, shared
 * by every loader, action and handler, and validates the session before anything streams, so
 * a renewed session's cookie reaches the response.
 *
 * @example
 * // src/routes/plugin@auth.ts
 * export const onRequest = authPlugin(auth);
 * export { useAuthLoader } from "qwik-lucia/qwik";
 */
export function authPlugin(auth: Auth<any>, options: AuthPluginOptions = {}): RequestHandler {
  const message = options.databaseFailureMessage ?? DATABASE_FAILURE_MESSAGE;
  return async (event: RequestEvent) => {
    const authRequest = auth.handleRequest(event) as AuthRequest<AnySession>;
    const state = await validateOrUnavailable(event, authRequest, message);

    const carriesCredentials =
      event.cookie.has(auth.sessionCookieName) || event.request.headers.has("authorization");
    if (state.session || carriesCredentials) markPrivate(event);
  };
}

/**
 * `validateUser()`, but a failing store answers 503 with `message` (a page for browsers, JSON
 * otherwise). It is never treated as signed out: the cookie stays and the next request retries.
 */
export async function validateOrUnavailable(
  event: RequestEventCommon,
  authRequest: AuthRequest<AnySession>,
  message = DATABASE_FAILURE_MESSAGE,
): Promise<AuthState> {
  try {
    return await authRequest.validateUser();
  } catch (error) {
    if (isDatabaseFailure(error)) throw databaseUnavailable(event, message);
    throw error;
  }
}

/** The 503 to throw when the session store fails: a page for browsers, JSON otherwise. */
export function databaseUnavailable(
  event: RequestEventCommon,
  message = DATABASE_FAILURE_MESSAGE,
): unknown {
  markPrivate(event);
  event.headers.set("Retry-After", "5");
  if (wantsPage(event)) return event.error(503, message);
  return event.json(503, { error: "database_unavailable", message });
}

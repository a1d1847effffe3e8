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
    if (event.method === "POST" && event.query.has("qaction")) {
      await refuseMalformedActionBody(event);
    }
    const authRequest = auth.handleRequest(event) as AuthRequest<AnySession>;
    const state = await validateOrUnavailable(event, authRequest, message);

    const carriesCredentials =
      event.cookie.has(auth.sessionCookieName) || event.request.headers.has("authorization");
    if (state.session || carriesCredentials) markPrivate(event);
  };
}

/**
 * Qwik City answers an action whose body does not parse (malformed JSON, a broken multipart
 * body, a JSON array) with a 500. That is the client's mistake: answer 400 before it gets there.
 * `parseBody()` keeps its result, so the action reads the same body without parsing it again.
 */
async function refuseMalformedActionBody(event: RequestEvent): Promise<void> {
  let body: unknown;
  try {
    body = await event.parseBody();
  } catch {
    body = null;
  }
  if (typeof body !== "object" || body === null) {
    throw event.error(400, "The form data could not be read. Reload the page and try again.");
  }
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

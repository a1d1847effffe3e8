import type { RequestEvent, RequestEventCommon, RequestHandler } from "@builder.io/qwik-city";
import { isDatabaseFailure } from "../core/errors.js";
import { getAuthRequest, markPrivate, type AnySession } from "./auth-request.js";
import { databaseUnavailable, validateOrUnavailable } from "./plugin.js";
import { signInUrl } from "./redirect.js";
import { returnPath, wantsPage } from "./request-event.js";

/** The default sign-in page of `protect()` and of the loader and action helpers. */
export const DEFAULT_SIGN_IN_PATH = "/sign-in";

/** The body of the JSON 401 of `requireUser()` and of `protect()` for non-page requests. */
export const UNAUTHORIZED_BODY = {
  error: "unauthorized",
  message: "Sign in first, or send an Authorization: Bearer <token> header.",
} as const;

/** A signed-in user and session. */
export interface SignedIn<S extends AnySession = AnySession> {
  user: S["user"];
  session: S;
}

/**
 * For API routes (`onGet`, `onPost`, ...): the signed-in user and session, from the session
 * cookie or an `Authorization: Bearer` token; otherwise it throws a JSON 401.
 *
 * @example
 * export const onGet: RequestHandler = async (event) => {
 *   const { user } = await requireUser(event);
 *   event.json(200, { user });
 * };
 */
export async function requireUser<S extends AnySession = AnySession>(
  event: RequestEventCommon,
): Promise<SignedIn<S>> {
  const authRequest = getAuthRequest<S>(event);
  markPrivate(event);

  const { session } = await validateOrUnavailable(event, authRequest);
  if (session) return { user: session.user, session: session as S };

  const bearer = await authRequest.validateBearerToken().catch((error: unknown) => {
    throw isDatabaseFailure(error) ? databaseUnavailable(event) : error;
  });
  if (bearer) return { user: bearer.user, session: bearer };
  throw event.json(401, UNAUTHORIZED_BODY);
}

export interface ProtectOptions {
  /** Where signed-out visitors go, with `?redirectTo=` back to the page. Default `/sign-in`. */
  signInPath?: string;
}

/**
 * A layout's `onRequest` that admits signed-in users only: pages redirect to the sign-in page
 * (303 after a form POST, so the browser follows with GET) with a `redirectTo` back; other
 * requests (fetch, scripts) get a JSON 401.
 *
 * @example
 * // src/routes/profile/layout.tsx
 * export const onRequest = protect({ signInPath: "/sign-in" });
 */
export function protect(options: ProtectOptions = {}): RequestHandler {
  const signInPath = options.signInPath ?? DEFAULT_SIGN_IN_PATH;
  return async (event: RequestEvent) => {
    const authRequest = getAuthRequest(event);
    markPrivate(event);

    const { session } = await validateOrUnavailable(event, authRequest);
    if (session) return;

    if (!wantsPage(event)) throw event.json(401, UNAUTHORIZED_BODY);
    throw redirectToSignIn(event, signInPath);
  };
}

/** The redirect to the sign-in page for this request (303 unless the request was a GET). */
export function redirectToSignIn(event: RequestEventCommon, signInPath: string): unknown {
  const status = event.method === "GET" || event.method === "HEAD" ? 302 : 303;
  return event.redirect(status, signInUrl(signInPath, returnPath(event)));
}

import type { RequestEventBase } from "@builder.io/qwik-city";
import type { AuthRequest, ValidationResult } from "../core/request.js";
import type { Session } from "../core/types.js";

/**
 * The `sharedMap` key under which `auth.handleRequest(event)` keeps the request's
 * `AuthRequest` (the core's `AUTH_REQUEST_KEY`; a test keeps them equal). Repeated here so the
 * browser bundle, which imports these helpers, never reaches the core's `node:crypto` code.
 */
export const AUTH_REQUEST_KEY = "qwik-lucia/auth-request";

function isAuthRequest(value: unknown): value is AuthRequest<any> {
  return typeof value === "object" && value !== null && "validateUser" in value;
}

/** The session type the Qwik helpers hand out: attributes are whatever your auth returns. */
export type AnySession = Session<Record<string, any>, Record<string, any>>;

/** What loaders may send to the browser: the user and the session, never the token. */
export type AuthState<S extends AnySession = AnySession> = ValidationResult<S>;

/**
 * The request's `AuthRequest`, stored in `event.sharedMap` by `authPlugin`. Every loader,
 * action and handler of one request gets the same instance, so one lookup serves them all.
 * Throws, naming the file to add, when the plugin is not installed.
 */
export function getAuthRequest<S extends AnySession = AnySession>(
  event: Pick<RequestEventBase, "sharedMap">,
): AuthRequest<S> {
  const authRequest = event.sharedMap.get(AUTH_REQUEST_KEY);
  if (isAuthRequest(authRequest)) return authRequest as AuthRequest<S>;
  throw new Error(
    "qwik-lucia: no AuthRequest for this request. Add src/routes/plugin@auth.ts with " +
      "`export const onRequest = authPlugin(auth);` (from qwik-lucia/qwik).",
  );
}

// One copy per validation result: every loader of a request reads the same result.
const authStates = new WeakMap<object, AuthState<any>>();

/**
 * A plain copy of the validation result: Qwik serializes loader values to the browser, and
 * a plain object cannot carry the token even if a session object ever made it enumerable.
 */
export function toAuthState<S extends AnySession>(result: ValidationResult<S>): AuthState<S> {
  if (!result.session) return { user: null, session: null };
  let state = authStates.get(result) as AuthState<S> | undefined;
  if (!state) {
    // Object.assign copies own enumerable properties only: the token is not one of them.
    const user = Object.assign({}, result.session.user);
    const session = Object.assign({}, result.session, { user }) as S;
    state = { user, session };
    authStates.set(result, state);
  }
  return state;
}

const PRIVATE_KEY = "qwik-lucia/private";

/** Responses built from the session must not be stored by shared caches or the browser. */
export function markPrivate(event: Pick<RequestEventBase, "headers" | "sharedMap">): void {
  // Once per request, however many loaders and guards ask.
  if (event.sharedMap.has(PRIVATE_KEY)) return;
  event.sharedMap.set(PRIVATE_KEY, true);
  event.headers.set("Cache-Control", "private, no-store");
}

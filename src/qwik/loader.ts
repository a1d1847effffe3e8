import { $, implicit$FirstArg, type QRL, type ValueOrPromise } from "@builder.io/qwik";
import { isServer } from "@builder.io/qwik/build";
import {
  routeLoader$,
  routeLoaderQrl,
  type Loader,
  type RequestEventLoader,
} from "@builder.io/qwik-city";
import type { AuthRequest } from "../core/request.js";
import { getAuthRequest, markPrivate, toAuthState, type AnySession } from "./auth-request.js";
import { DEFAULT_SIGN_IN_PATH, redirectToSignIn } from "./guards.js";
import { validateOrUnavailable } from "./plugin.js";

/**
 * The signed-in user and session, `{ user, session }` (both null when signed out), as a
 * `routeLoader$`. Re-export it from `plugin@auth.ts` or a layout, then call it in components.
 * The session has no token: it is safe to send to the browser.
 *
 * @example
 * // src/routes/layout.tsx
 * export { useAuthLoader } from "qwik-lucia/qwik";
 * // in a component
 * const auth = useAuthLoader();
 */
export const useAuthLoader = routeLoader$(async (event) => {
  if (!isServer) throw new Error("qwik-lucia: useAuthLoader runs on the server only");
  const authRequest = getAuthRequest(event);
  markPrivate(event);
  return toAuthState(await validateOrUnavailable(event, authRequest));
});

export interface RouteAuthLoaderOptions {
  /** The loader's id; by default the hash of your loader function (unique per loader). */
  id?: string;
  /** Only signed-in users get the loader's value; others are sent to the sign-in page. */
  requireUser?: boolean;
  /** The sign-in page of `requireUser`; `redirectTo` brings them back. Default `/sign-in`. */
  signInPath?: string;
}

/** The function of `routeAuthLoader$`: the loader's event and the request's `AuthRequest`. */
export type AuthLoaderFunction<T> = (
  event: RequestEventLoader,
  authRequest: AuthRequest<AnySession>,
) => ValueOrPromise<T>;

/** `routeAuthLoader$` with an explicit QRL (for code that builds QRLs itself). */
export function routeAuthLoaderQrl<T>(
  loaderQrl: QRL<AuthLoaderFunction<T>>,
  options: RouteAuthLoaderOptions = {},
): Loader<T> {
  const requireUser = options.requireUser ?? false;
  const signInPath = options.signInPath ?? DEFAULT_SIGN_IN_PATH;
  // Without an explicit id, every loader made here would share this wrapper's hash.
  const id = options.id ?? loaderQrl.getHash();
  return routeLoaderQrl(
    $(async (event: RequestEventLoader) => {
      if (!isServer) throw new Error("qwik-lucia: loaders run on the server only");
      const authRequest = getAuthRequest(event);
      markPrivate(event);
      if (requireUser) {
        const { session } = await validateOrUnavailable(event, authRequest);
        if (!session) throw redirectToSignIn(event, signInPath);
      }
      return loaderQrl(event, authRequest);
    }),
    { id },
  ) as Loader<T>;
}

/**
 * A `routeLoader$` whose function also receives the request's `AuthRequest`. With
 * `requireUser`, signed-out visitors are redirected to the sign-in page with a `redirectTo`.
 *
 * @example
 * export const useSessions = routeAuthLoader$(async (event, authRequest) => {
 *   const { user } = await authRequest.validateUser();
 *   return auth.getAllUserSessions(user!.userId);
 * }, { requireUser: true });
 */
export const routeAuthLoader$: <T>(
  loader: AuthLoaderFunction<T>,
  options?: RouteAuthLoaderOptions,
) => Loader<T> = /*#__PURE__*/ implicit$FirstArg(routeAuthLoaderQrl);

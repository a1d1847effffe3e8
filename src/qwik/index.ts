/** Qwik City helpers: the plugin, loaders, actions and guards built on `auth.handleRequest`. */
export {
  routeAuthAction$,
  routeAuthActionQrl,
  withAuth,
  SIGN_IN_REQUIRED_MESSAGE,
  tooManyAttemptsMessage,
} from "./action.js";
export type { AuthActionFunction, AuthFailure, RouteAuthActionOptions } from "./action.js";
export { getAuthRequest } from "./auth-request.js";
export type { AnySession, AuthState } from "./auth-request.js";
export { DEFAULT_SIGN_IN_PATH, UNAUTHORIZED_BODY, protect, requireUser } from "./guards.js";
export type { ProtectOptions, SignedIn } from "./guards.js";
export { routeAuthLoader$, routeAuthLoaderQrl, useAuthLoader } from "./loader.js";
export type { AuthLoaderFunction, RouteAuthLoaderOptions } from "./loader.js";
export { DATABASE_FAILURE_MESSAGE, authPlugin } from "./plugin.js";
export type { AuthPluginOptions } from "./plugin.js";
export { safeRedirectTo } from "./redirect.js";

import { $, implicit$FirstArg, type QRL, type ValueOrPromise } from "@builder.io/qwik";
import { isServer } from "@builder.io/qwik/build";
import {
  routeActionQrl,
  type Action,
  type DataValidator,
  type FailReturn,
  type GetValidatorInputType,
  type GetValidatorOutputType,
  type JSONObject,
  type RequestEventAction,
  type StrictUnion,
  type TypedDataValidator,
  type ValidatorErrorType,
} from "@builder.io/qwik-city";
import { isDatabaseFailure, LuciaError } from "../core/errors.js";
import type { AuthRequest } from "../core/request.js";
import { getAuthRequest, type AnySession } from "./auth-request.js";
import { redirectToSignIn } from "./guards.js";
import { databaseUnavailable, validateOrUnavailable } from "./plugin.js";

export interface RouteAuthActionOptions {
  /** The action's id; by default the hash of your action function (unique per action). */
  id?: string;
  /** Only signed-in users may run the action: others get `fail(401)` or a redirect. */
  requireUser?: boolean;
  /** With `requireUser`: redirect signed-out users here (303) instead of `fail(401)`. */
  signInPath?: string;
}

/** What a refused action returns: `action.value.message` says what to do. */
export type AuthFailure = FailReturn<{ message: string }>;

/** The message of the `fail(401)` of `requireUser`. */
export const SIGN_IN_REQUIRED_MESSAGE = "Your session has ended. Please sign in again.";

/** The function of `routeAuthAction$`: the validated data, the event, the `AuthRequest`. */
export type AuthActionFunction<D, T> = (
  data: D,
  event: RequestEventAction,
  authRequest: AuthRequest<AnySession>,
) => ValueOrPromise<T>;

type ActionWithValidator<T, V extends TypedDataValidator> = Action<
  StrictUnion<T | FailReturn<ValidatorErrorType<GetValidatorInputType<V>>> | AuthFailure>,
  GetValidatorInputType<V>,
  false
>;

/** `routeAuthAction$` with an explicit QRL (for code that builds QRLs itself). */
export function routeAuthActionQrl<T, V extends TypedDataValidator>(
  actionQrl: QRL<AuthActionFunction<GetValidatorOutputType<V>, T>>,
  options: RouteAuthActionOptions | undefined,
  validator: V,
  ...validators: DataValidator[]
): ActionWithValidator<T, V>;
export function routeAuthActionQrl<T>(
  actionQrl: QRL<AuthActionFunction<JSONObject, T>>,
  options?: RouteAuthActionOptions,
  ...validators: DataValidator[]
): Action<StrictUnion<T | AuthFailure>>;
export function routeAuthActionQrl(
  actionQrl: QRL<AuthActionFunction<any, unknown>>,
  options: RouteAuthActionOptions = {},
  ...validators: DataValidator[]
): unknown {
  const requireUser = options.requireUser ?? false;
  const signInPath = options.signInPath ?? null;
  // Without an explicit id, every action made here would share this wrapper's hash, and
  // submitting one form would run another form's action.
  const id = options.id ?? actionQrl.getHash();
  return routeActionQrl(
    $(async (data: JSONObject, event: RequestEventAction) => {
      if (!isServer) throw new Error("qwik-lucia: actions run on the server only");
      const authRequest = getAuthRequest(event);
      if (requireUser) {
        const { session } = await validateOrUnavailable(event, authRequest);
        if (!session && signInPath !== null) throw redirectToSignIn(event, signInPath);
        if (!session) return event.fail(401, { message: SIGN_IN_REQUIRED_MESSAGE });
      }
      try {
        return await actionQrl(data, event, authRequest);
      } catch (error) {
        return refusal(event, error);
      }
    }),
    { id, validation: validators.filter(Boolean) as [DataValidator] } as never,
  );
}

/**
 * Turns the library's request-time failures into answers: a throttled sign-in becomes
 * `fail(429)` with `Retry-After`, a failing store a 503. Anything else (redirects included)
 * is rethrown as it is.
 */
function refusal(event: RequestEventAction, error: unknown): AuthFailure {
  if (error instanceof LuciaError && error.code === "AUTH_TOO_MANY_REQUESTS") {
    const seconds = error.retryAfterSeconds ?? 60;
    event.headers.set("Retry-After", String(seconds));
    return event.fail(429, { message: tooManyAttemptsMessage(seconds) });
  }
  if (isDatabaseFailure(error)) throw databaseUnavailable(event);
  throw error;
}

/** The message of a throttled sign-in: what happened and when to try again. */
export function tooManyAttemptsMessage(seconds: number): string {
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many failed sign-ins. Wait ${wait}, then try again.`;
}

interface RouteAuthActionConstructor {
  <T, V extends TypedDataValidator>(
    action: AuthActionFunction<GetValidatorOutputType<V>, T>,
    options: RouteAuthActionOptions | undefined,
    validator: V,
    ...validators: DataValidator[]
  ): ActionWithValidator<T, V>;
  <T>(
    action: AuthActionFunction<JSONObject, T>,
    options?: RouteAuthActionOptions,
    ...validators: DataValidator[]
  ): Action<StrictUnion<T | AuthFailure>>;
}

/**
 * A `routeAction$` whose function also receives the request's `AuthRequest` (the card's
 * `authAction$`: the `route` prefix makes Qwik strip it from the browser bundle). Composes
 * with `zod$`; `requireUser` refuses signed-out users with `fail(401)` or a redirect. A
 * throttled `authRequest.useKey()` answers `fail(429)` with `Retry-After`; a failing store, 503.
 *
 * @example
 * export const useSignOut = routeAuthAction$(async (_data, event, authRequest) => {
 *   const session = await authRequest.validate();
 *   if (session) await auth.invalidateSession(session.sessionId);
 *   authRequest.setSession(null);
 *   throw event.redirect(303, "/");
 * });
 */
export const routeAuthAction$: RouteAuthActionConstructor = /*#__PURE__*/ implicit$FirstArg(
  routeAuthActionQrl as (qrl: QRL<any>, ...rest: any[]) => any,
) as RouteAuthActionConstructor;

/**
 * Adds the request's `AuthRequest` as the last argument of a plain `routeLoader$` or
 * `routeAction$` function.
 *
 * @example
 * export const useUser = routeLoader$(withAuth(async (event, authRequest) => {
 *   return (await authRequest.validateUser()).user?.username ?? null;
 * }));
 */
export function withAuth<E extends { sharedMap: Map<string, any> }, T>(
  fn: (event: E, authRequest: AuthRequest<AnySession>) => ValueOrPromise<T>,
): (event: E) => Promise<T>;
export function withAuth<D, E extends { sharedMap: Map<string, any> }, T>(
  fn: (data: D, event: E, authRequest: AuthRequest<AnySession>) => ValueOrPromise<T>,
): (data: D, event: E) => Promise<T>;
export function withAuth(fn: (...args: any[]) => unknown): (...args: any[]) => Promise<unknown> {
  return async (...args: any[]) => {
    const event = args[args.length - 1] as { sharedMap: Map<string, any> };
    return fn(...args, getAuthRequest(event));
  };
}

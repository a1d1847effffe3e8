import type { Auth } from "./auth.js";
import { readCookie, type Cookie } from "./cookie.js";
import { LuciaError } from "./errors.js";
import { checkOrigin } from "./origin.js";
import type { Env, RequestContext } from "./request-context.js";
import { readBearerToken } from "./token.js";
import type { Key, Session } from "./types.js";

/** The key of the shared `AuthRequest` in a per-request store (Qwik City's `sharedMap`). */
export const AUTH_REQUEST_KEY = "qwik-lucia/auth-request";

/** What `validateUser()` resolves: both null when signed out. */
export type ValidationResult<S extends Session> =
  { user: S["user"]; session: S } | { user: null; session: null };

const SIGNED_OUT = Object.freeze({ user: null, session: null });

function isInvalidSession(error: unknown): boolean {
  return error instanceof LuciaError && error.code === "AUTH_INVALID_SESSION_ID";
}

/**
 * One request seen by the auth engine. `validate()` and `validateUser()` share one cached
 * lookup; renewals and removals of the session cookie are written for you.
 */
export class AuthRequest<S extends Session = Session> {
  readonly auth: Auth;
  readonly #context: RequestContext;
  readonly #env: Env | undefined;
  /** The session token this request carries: undefined until read, null when there is none. */
  #token: string | null | undefined;
  #validation: Promise<ValidationResult<S>> | null = null;
  #bearerValidation: Promise<S | null> | null = null;
  /** Bumped by `setSession`: a validation started earlier must not overwrite that choice. */
  #generation = 0;
  #pendingCookie: Cookie | null = null;

  constructor(auth: Auth, context: RequestContext, env: Env | undefined) {
    this.auth = auth;
    this.#context = context;
    this.#env = env;
  }

  /** The current session, or null. Cached: repeated and parallel calls share one lookup. */
  async validate(): Promise<S | null> {
    return (await this.validateUser()).session;
  }

  /** The current user and session (both null when signed out), from one joined lookup. */
  validateUser(): Promise<ValidationResult<S>> {
    this.#validation ??= this.#startValidation();
    return this.#validation;
  }

  /**
   * Validates the `Authorization: Bearer` token, with a cache of its own. It never reads or
   * writes the session cookie; Bearer tokens are not sent by browsers on their own, so no
   * origin check applies.
   */
  validateBearerToken(): Promise<S | null> {
    this.#bearerValidation ??= this.#startBearerValidation();
    return this.#bearerValidation;
  }

  /**
   * Writes the session cookie for `session` (from `createSession()`), or with null removes it.
   * The next `validate()` answers with that choice, without a lookup. To sign out, also call
   * `auth.invalidateSession(session.sessionId)`.
   */
  setSession(session: Session | null): void {
    const cookie = this.auth.createSessionCookie(session, { secure: this.#secure() });
    this.#generation++;
    this.#token = session?.token ?? null;
    this.#validation = Promise.resolve(
      session ? ({ user: session.user, session } as ValidationResult<S>) : SIGNED_OUT,
    );
    this.#writeCookie(cookie);
  }

  /**
   * Signs in like `auth.useKey()`, throttled: after repeated failures for this key or from this
   * client address, attempts are refused with `AUTH_TOO_MANY_REQUESTS` (see `retryAfterSeconds`)
   * before any password is checked.
   */
  useKey(providerId: string, providerUserId: string, password: string | null): Promise<Key> {
    const signIn = () => this.auth.useKey(providerId, providerUserId, password);
    const throttle = this.auth.signInThrottle;
    if (!throttle) return signIn();
    const address = throttle.clientAddress(
      this.#context.clientAddress,
      this.#context.request.headers.get("x-forwarded-for"),
    );
    return throttle.attempt(`${providerId}:${providerUserId}`, address, signIn);
  }

  /** Forgets the cached results: the next `validate()` looks the session up again. */
  invalidate(): void {
    this.#validation = null;
    this.#bearerValidation = null;
  }

  /**
   * The `Set-Cookie` values this request has produced. For `web()`, which cannot touch the
   * response, put them on your `Response`; other middleware have already written them.
   */
  getSetCookieHeaders(): string[] {
    return this.#pendingCookie ? [this.#pendingCookie.serialize()] : [];
  }

  #startValidation(): Promise<ValidationResult<S>> {
    const token = this.#readToken();
    if (token === null) return Promise.resolve(SIGNED_OUT);

    const generation = this.#generation;
    // A failing store (or a cookie that could not be written) is not a sign-out: the cookie
    // stays, and the rejection is forgotten so that a later call retries.
    const forget = (error: unknown): never => {
      if (this.#validation === validation) this.#validation = null;
      throw error;
    };
    const validation: Promise<ValidationResult<S>> = this.auth.validateSession(token).then(
      (session) => {
        // A renewed session gets a new cookie, or the browser drops it at the old expiry.
        if (session.fresh && generation === this.#generation) {
          try {
            this.#writeCookie(this.auth.createSessionCookie(session, { secure: this.#secure() }));
          } catch (error) {
            forget(error);
          }
        }
        return { user: session.user, session } as ValidationResult<S>;
      },
      (error: unknown) => {
        if (!isInvalidSession(error)) forget(error);
        try {
          if (generation === this.#generation) this.#removeStaleCookie();
        } catch (cookieError) {
          forget(cookieError);
        }
        return SIGNED_OUT;
      },
    );
    return validation;
  }

  #startBearerValidation(): Promise<S | null> {
    const token = readBearerToken(this.#context.request.headers.get("authorization"));
    if (token === null) return Promise.resolve(null);

    const validation: Promise<S | null> = this.auth.validateSession(token).then(
      (session) => session as S,
      (error: unknown) => {
        if (isInvalidSession(error)) return null;
        if (this.#bearerValidation === validation) this.#bearerValidation = null;
        throw error;
      },
    );
    return validation;
  }

  /** The cookie's token, or null when absent or when the origin check refuses it. */
  #readToken(): string | null {
    if (this.#token === undefined) {
      const { sessionCookie, readSessionCookie, request } = this.#context;
      const value =
        sessionCookie !== undefined
          ? sessionCookie
          : readSessionCookie
            ? readSessionCookie()
            : readCookie(request.headers.get("cookie"), this.auth.sessionCookieName);
      this.#token = value || null;
    }
    if (this.#token === null) return null;

    const csrf = this.auth.csrfProtection;
    if (csrf) {
      const { method, headers, url } = this.#context.request;
      const verdict = checkOrigin(method, headers.get("origin"), url, csrf);
      if (!verdict.allowed) {
        this.auth.debug?.(`session cookie ignored: ${verdict.reason}`);
        return null;
      }
    }
    return this.#token;
  }

  #removeStaleCookie(): void {
    if (this.#token === null) return;
    this.#token = null;
    this.#writeCookie(this.auth.createSessionCookie(null, { secure: this.#secure() }));
  }

  #writeCookie(cookie: Cookie): void {
    this.#pendingCookie = cookie;
    this.#context.setCookie?.(cookie);
  }

  /** `Secure` follows `env`, else the protocol the request arrived with. */
  #secure(): boolean {
    if (this.#env !== undefined) return this.#env === "PROD";
    const { url } = this.#context.request;
    const protocol = typeof url === "string" ? url.slice(0, url.indexOf(":") + 1) : url.protocol;
    return protocol === "https:";
  }
}

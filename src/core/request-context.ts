import type { Cookie } from "./cookie.js";

/** `DEV` writes cookies without `Secure`; `PROD` always with it. */
export type Env = "DEV" | "PROD";

/** Read access to request headers; a `Headers` object fits, and so do small adapters. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * What a middleware makes of one framework's request: the request itself and a way to set a
 * cookie on the response. This is the only thing `AuthRequest` knows about a framework.
 */
export interface RequestContext {
  request: {
    method: string;
    /** The request URL as the framework resolved it (for Qwik City: `event.url`). */
    url: URL | string;
    headers: HeaderReader;
  };
  /**
   * The session cookie's value when the framework parses cookies itself (`null`: no cookie).
   * Left undefined, the `Cookie` header is parsed.
   */
  sessionCookie?: string | null;
  /**
   * Reads the session cookie from the framework's own cookie jar, when the `AuthRequest` first
   * needs it (not when `handleRequest` is called: Qwik City calls it once per loader).
   */
  readSessionCookie?: () => string | null;
  /** The peer address of the connection, for sign-in throttling (never a forwarded header). */
  clientAddress?: string | null;
  /** Writes `Set-Cookie` on the response; absent where the framework cannot (`web()`). */
  setCookie?: (cookie: Cookie) => void;
  /**
   * A per-request store shared by every handler of one request (Qwik City's `sharedMap`):
   * `handleRequest` then returns one `AuthRequest` for the whole request.
   */
  requestStore?: Map<string, unknown>;
}

/** Turns a framework's handler arguments into a `RequestContext`. Does no I/O. */
export type Middleware<Args extends unknown[] = any[]> = (context: {
  args: Args;
  env: Env | undefined;
  sessionCookieName: string;
}) => RequestContext;

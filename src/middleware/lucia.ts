import type { Cookie } from "../core/cookie.js";
import type { HeaderReader, Middleware, RequestContext } from "../core/request-context.js";

/** What `lucia()` expects: a request and a way to set a cookie, from any framework. */
export interface LuciaRequestContext {
  request: {
    method: string;
    url: string | URL;
    /** A `Headers` object, or anything with `get(name)`. */
    headers: HeaderReader;
  };
  /** The session cookie's value, when your framework has parsed cookies already. */
  sessionCookie?: string | null;
  /** The connection's peer address, for sign-in throttling (never a forwarded header). */
  clientAddress?: string | null;
  /** Called with each cookie to set; `cookie.serialize()` is the `Set-Cookie` value. */
  setCookie: (cookie: Cookie) => void;
}

/**
 * The framework-free middleware: map your framework's request yourself.
 *
 * @example
 * const auth = lucia({ adapter, middleware: luciaMiddleware() });
 * auth.handleRequest({
 *   request: { method: req.method, url: req.url, headers: req.headers },
 *   setCookie: (cookie) => res.headers.append("Set-Cookie", cookie.serialize()),
 * });
 */
export function lucia(): Middleware<[context: LuciaRequestContext]> {
  return ({ args: [context] }) => {
    const requestContext: RequestContext = {
      request: context.request,
      setCookie: (cookie) => context.setCookie(cookie),
      clientAddress: context.clientAddress ?? null,
    };
    // Only when given: undefined means "parse the Cookie header".
    if (context.sessionCookie !== undefined) requestContext.sessionCookie = context.sessionCookie;
    return requestContext;
  };
}

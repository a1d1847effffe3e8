import type { RequestEventBase } from "@builder.io/qwik-city";
import type { Middleware } from "../core/request-context.js";

/**
 * Qwik City (the default): the event of a `routeLoader$`, a `routeAction$`, or an `onGet` /
 * `onPost` / `onRequest` handler. Every handler of one request shares one `AuthRequest`
 * through `event.sharedMap`, and the request URL is `event.url`, so Qwik's `ORIGIN` and
 * `PROTOCOL_HEADER` settings apply to origin checks and to `Secure`.
 */
export function qwik(): Middleware<[event: RequestEventBase]> {
  return ({ args: [event], sessionCookieName }) => ({
    request: { method: event.method, url: event.url, headers: event.request.headers },
    // The live jar: it sees a cookie set earlier in this request.
    readSessionCookie: () => event.cookie.get(sessionCookieName)?.value ?? null,
    setCookie: (cookie) => {
      const { priority: _priority, path, ...attributes } = cookie.attributes;
      // Qwik City gives cookies no default path: without "/", a cookie set by an action under
      // /auth/sign-in would not reach /profile.
      event.cookie.set(cookie.name, cookie.value, { ...attributes, path: path ?? "/" });
    },
    requestStore: event.sharedMap,
    clientAddress: event.clientConn.ip ?? null,
  });
}

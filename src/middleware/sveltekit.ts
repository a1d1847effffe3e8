import type { RequestEvent } from "@sveltejs/kit";
import type { Middleware } from "../core/request-context.js";
import { readClientAddress } from "./client-address.js";

/** The parts of SvelteKit's `RequestEvent` we use; `ServerLoadEvent` and the rest fit too. */
export type SvelteKitEvent = Pick<RequestEvent, "url" | "request" | "cookies"> &
  Partial<Pick<RequestEvent, "getClientAddress">>;

/**
 * SvelteKit 2: the `event` of hooks, `load` functions, form actions and `+server.ts` handlers.
 * Cookies go through `event.cookies`, with every attribute spelled out: SvelteKit's own
 * defaults (`Secure` on, except on http://localhost) would otherwise override ours.
 *
 * @example
 * const auth = lucia({ adapter, middleware: sveltekit() });
 * export const handle: Handle = async ({ event, resolve }) => {
 *   event.locals.auth = auth.handleRequest(event);
 *   return resolve(event);
 * };
 */
export function sveltekit(): Middleware<[event: SvelteKitEvent]> {
  return ({ args: [event], sessionCookieName }) => ({
    request: { method: event.request.method, url: event.url, headers: event.request.headers },
    clientAddress: readClientAddress(() => event.getClientAddress?.()),
    // The live jar: it sees a cookie set earlier in this request.
    readSessionCookie: () => event.cookies.get(sessionCookieName) ?? null,
    setCookie: (cookie) => {
      const { domain, expires, httpOnly, maxAge, path, priority, sameSite, secure } =
        cookie.attributes;
      // SvelteKit requires a path: without one a cookie would only reach the current route.
      const options = {
        path: path ?? "/",
        httpOnly: httpOnly ?? false,
        secure: secure ?? false,
        sameSite: sameSite ?? false,
        ...(domain !== undefined && { domain }),
        ...(priority !== undefined && { priority }),
      };
      if (cookie.value === "") {
        event.cookies.delete(cookie.name, options);
        return;
      }
      event.cookies.set(cookie.name, cookie.value, {
        ...options,
        ...(expires !== undefined && { expires }),
        ...(maxAge !== undefined && { maxAge }),
      });
    },
  });
}

import type { APIContext } from "astro";
import type { Middleware } from "../core/request-context.js";
import { readClientAddress } from "./client-address.js";

/** The parts of Astro's `APIContext` we use; the `Astro` global of pages fits too. */
export type AstroContext = Pick<APIContext, "url" | "request" | "cookies"> &
  Partial<Pick<APIContext, "clientAddress">>;

/**
 * Astro 5: the `context` of endpoints and middleware, or the `Astro` global of a page (in
 * server-rendered routes). Cookies go through `context.cookies`.
 *
 * @example
 * const auth = lucia({ adapter, middleware: astro() });
 * export const onRequest = defineMiddleware(async (context, next) => {
 *   context.locals.session = await auth.handleRequest(context).validate();
 *   return next();
 * });
 */
export function astro(): Middleware<[context: AstroContext]> {
  return ({ args: [context], sessionCookieName }) => ({
    request: {
      method: context.request.method,
      url: context.url,
      headers: context.request.headers,
    },
    // The live jar: it sees a cookie set earlier in this request.
    readSessionCookie: () => context.cookies.get(sessionCookieName)?.value ?? null,
    clientAddress: readClientAddress(() => context.clientAddress),
    setCookie: (cookie) => {
      // LIMITATION: Astro's cookie API has no `Priority`; a configured priority is left out.
      const { domain, expires, httpOnly, maxAge, path, sameSite, secure } = cookie.attributes;
      const options = {
        httpOnly: httpOnly ?? false,
        secure: secure ?? false,
        sameSite: sameSite ?? false,
        ...(path !== undefined && { path }),
        ...(domain !== undefined && { domain }),
      };
      if (cookie.value === "") {
        context.cookies.delete(cookie.name, options);
        return;
      }
      context.cookies.set(cookie.name, cookie.value, {
        ...options,
        ...(expires !== undefined && { expires }),
        ...(maxAge !== undefined && { maxAge }),
      });
    },
  });
}

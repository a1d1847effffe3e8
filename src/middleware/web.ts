import type { Middleware } from "../core/request-context.js";

/**
 * A standard `Request` (Fetch API handlers: Hono, Bun, Deno, Next.js route handlers). A
 * `Request` has no response to write to, so cookies are not set for you: after validating or
 * calling `setSession`, copy `authRequest.getSetCookieHeaders()` onto the `Response` you
 * return.
 *
 * @example
 * const authRequest = auth.handleRequest(request);
 * const session = await authRequest.validate();
 * const headers = new Headers();
 * for (const value of authRequest.getSetCookieHeaders()) headers.append("Set-Cookie", value);
 * return new Response("ok", { headers });
 */
export function web(): Middleware<[request: Request]> {
  return ({ args: [request] }) => ({
    request: { method: request.method, url: request.url, headers: request.headers },
  });
}

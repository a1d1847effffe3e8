import type { Request, Response } from "express";
import type { Middleware } from "../core/request-context.js";
import { appendSetCookie, nodeHeaders } from "./node-http.js";

/**
 * Express 5: `auth.handleRequest(req, res)`. The URL uses `req.protocol` and `req.host`, so
 * the app's `trust proxy` setting decides whether `X-Forwarded-Proto` / `-Host` count.
 * Cookies are appended to `Set-Cookie`, next to those of `res.cookie()`.
 *
 * @example
 * const auth = lucia({ adapter, middleware: express() });
 * app.get("/", async (req, res) => {
 *   const session = await auth.handleRequest(req, res).validate();
 * });
 */
export function express(): Middleware<[request: Request, response: Response]> {
  return ({ args: [request, response] }) => ({
    request: {
      method: request.method,
      url: requestUrl(request),
      headers: nodeHeaders(request.headers),
    },
    setCookie: (cookie) => appendSetCookie(response, cookie),
    // `req.ip` is the socket's peer unless the app's `trust proxy` setting says otherwise.
    clientAddress: request.ip ?? request.socket?.remoteAddress ?? null,
  });
}

function requestUrl(request: Request): string {
  // LIMITATION: Express 4's `req.host` drops the port, so origin checks on a non-default port
  // refuse same-origin posts there; Express 5 keeps it.
  const host = request.host as string | undefined;
  if (!host) return request.originalUrl;
  return `${request.protocol}://${host}${request.originalUrl}`;
}

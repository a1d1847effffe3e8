import type { IncomingMessage, ServerResponse } from "node:http";
import type { Middleware } from "../core/request-context.js";
import { appendSetCookie, nodeHeaders } from "./node-http.js";

/**
 * Node's `http` / `https` server: `auth.handleRequest(request, response)`. Also Next.js pages
 * (`getServerSideProps`' `req` and `res`) and API routes, whose objects extend Node's.
 * Cookies are appended to the response's `Set-Cookie` list, next to the application's own.
 *
 * @example
 * const auth = lucia({ adapter, middleware: node() });
 * createServer(async (req, res) => {
 *   const session = await auth.handleRequest(req, res).validate();
 * });
 */
export function node(): Middleware<[request: IncomingMessage, response: ServerResponse]> {
  return ({ args: [request, response] }) => ({
    request: {
      method: request.method ?? "GET",
      url: requestUrl(request),
      headers: nodeHeaders(request.headers),
    },
    setCookie: (cookie) => appendSetCookie(response, cookie),
    clientAddress: request.socket?.remoteAddress ?? null,
  });
}

/**
 * The URL as the client addressed it: `https` when the socket is TLS, the host from `Host`
 * (or HTTP/2's `:authority`).
 */
function requestUrl(request: IncomingMessage): string {
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = request.headers.host ?? request.headers[":authority"];
  // An absolute-form target (`GET http://...`, sent to proxies) or `*` has no path of ours.
  const path = request.url?.startsWith("/") ? request.url : "/";
  // LIMITATION: a request without a host (HTTP/1.0 only; Node refuses HTTP/1.1 without one)
  // gets a URL without a host: origin checks then refuse its non-GET requests, and `Secure`
  // is left off unless `env` is set.
  if (typeof host !== "string" || host === "") return path;
  return `${encrypted ? "https" : "http"}://${host}${path}`;
}

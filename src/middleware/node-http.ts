import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Cookie } from "../core/cookie.js";
import { LuciaError } from "../core/errors.js";
import type { HeaderReader } from "../core/request-context.js";

/** Reads Node's lower-cased header record through the `get(name)` of a `Headers` object. */
export function nodeHeaders(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get: (name) => {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      // Node folds repeated headers into one string, except a few (set-cookie) kept as a list.
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

// The `Set-Cookie` value each response last received from us, so that a later write in the
// same request (a renewal, then a sign-out) replaces it instead of sending both.
const written = new WeakMap<ServerResponse, string>();

/**
 * Adds `cookie` to the response's `Set-Cookie` header. Values set by the application or by
 * other middleware are kept: `Set-Cookie` cannot be folded into one line (RFC 6265 section 3),
 * so each cookie stays its own entry of the list.
 */
export function appendSetCookie(response: ServerResponse, cookie: Cookie): void {
  if (response.headersSent) {
    throw new LuciaError(
      "AUTH_INVALID_REQUEST",
      `the response was already sent, so the ${cookie.name} cookie cannot be set: ` +
        "validate or set the session before writing the response",
    );
  }
  const header = cookie.serialize();
  const current = response.getHeader("set-cookie");
  const values =
    current === undefined ? [] : Array.isArray(current) ? [...current] : [String(current)];

  const previous = written.get(response);
  const index = previous === undefined ? -1 : values.indexOf(previous);
  if (index === -1) values.push(header);
  else values[index] = header;

  response.setHeader("set-cookie", values);
  written.set(response, header);
}

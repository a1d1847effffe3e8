/** The attributes of a `Set-Cookie` header (RFC 6265 section 4.1). */
export interface CookieAttributes {
  domain?: string;
  expires?: Date;
  httpOnly?: boolean;
  maxAge?: number;
  path?: string;
  priority?: "low" | "medium" | "high";
  sameSite?: "lax" | "strict" | "none";
  secure?: boolean;
}

// RFC 6265 cookie-name: an RFC 7230 token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True when `name` can be used as a cookie name. */
export function isValidCookieName(name: string): boolean {
  return COOKIE_NAME.test(name);
}

/** A cookie to set: `serialize()` gives the `Set-Cookie` header value. */
export class Cookie {
  constructor(
    readonly name: string,
    readonly value: string,
    readonly attributes: Readonly<CookieAttributes>,
  ) {}

  serialize(): string {
    const { attributes } = this;
    // Values are URL-safe by construction (tokens), so they are written as they are.
    let header = `${this.name}=${this.value}`;
    if (attributes.domain !== undefined) header += `; Domain=${attributes.domain}`;
    if (attributes.path !== undefined) header += `; Path=${attributes.path}`;
    if (attributes.expires !== undefined) header += `; Expires=${attributes.expires.toUTCString()}`;
    if (attributes.maxAge !== undefined) header += `; Max-Age=${Math.floor(attributes.maxAge)}`;
    if (attributes.httpOnly) header += "; HttpOnly";
    if (attributes.secure) header += "; Secure";
    if (attributes.sameSite !== undefined)
      header += `; SameSite=${capitalize(attributes.sameSite)}`;
    if (attributes.priority !== undefined)
      header += `; Priority=${capitalize(attributes.priority)}`;
    return header;
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Reads one cookie's value from a `Cookie` header. Malformed pairs are skipped, never thrown;
 * the first pair with the name wins, as browsers send the most specific path first.
 */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  let start = 0;
  while (start < cookieHeader.length) {
    let end = cookieHeader.indexOf(";", start);
    if (end === -1) end = cookieHeader.length;
    const equals = cookieHeader.indexOf("=", start);
    if (equals !== -1 && equals < end && cookieHeader.slice(start, equals).trim() === name) {
      let value = cookieHeader.slice(equals + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
      }
      return value;
    }
    start = end + 1;
  }
  return null;
}

import type { Configuration } from "./config.js";
import { Cookie, readCookie, type CookieAttributes } from "./cookie.js";
import { LuciaError } from "./errors.js";
import type { Env } from "./request-context.js";
import { isWellFormedToken } from "./token.js";
import type { Session } from "./types.js";

/** The session cookie as configured: its name, its attributes, and how to read it back. */
export class SessionCookie {
  readonly name: string;
  readonly #attributes: CookieAttributes;
  readonly #expires: boolean;
  readonly #env: Env | undefined;

  constructor(config: Configuration["sessionCookie"], env: Env | undefined) {
    this.name = config?.name ?? "auth_session";
    // HttpOnly keeps the token from page scripts; SameSite=Lax keeps it off cross-site POSTs
    // in browsers that honour it; Path=/ makes one cookie serve every route.
    this.#attributes = { httpOnly: true, sameSite: "lax", path: "/", ...config?.attributes };
    this.#expires = config?.expires ?? true;
    this.#env = env;
  }

  /**
   * The cookie for `session` (it must carry its token), or for null an empty cookie that
   * expires at once. `secure` defaults to `env`, else true.
   */
  create(session: Session | null, secure?: boolean): Cookie {
    const attributes: CookieAttributes = {
      secure: secure ?? (this.#env === undefined ? true : this.#env === "PROD"),
      ...this.#attributes,
    };
    if (session === null) {
      return new Cookie(this.name, "", { ...attributes, maxAge: 0, expires: new Date(0) });
    }
    if (!session.token) {
      throw new LuciaError(
        "AUTH_INVALID_SESSION_ID",
        "this session has no token: only sessions from createSession() or validation can be set",
      );
    }
    if (this.#expires) attributes.expires = session.idlePeriodExpiresAt;
    return new Cookie(this.name, session.token, attributes);
  }

  /** The session token of a `Cookie` header, or null (never throws). */
  read(cookieHeader: string | null | undefined): string | null {
    const value = readCookie(cookieHeader, this.name);
    return isWellFormedToken(value) ? value : null;
  }
}

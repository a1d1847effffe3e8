import type { AdapterConfig, SessionAdapter, UserAdapter } from "../adapters/types.js";
import { isValidCookieName, type CookieAttributes } from "./cookie.js";
import type { SignInThrottleOptions } from "../throttle/throttle.js";
import type { PasswordHash } from "./password.js";
import type { Env, Middleware } from "./request-context.js";
import type { DatabaseSession, DatabaseUser } from "./types.js";

/** Which cross-site requests may carry the session cookie (non-GET requests only). */
export interface CsrfProtection {
  /** The host to compare `Origin` with, when the request's own host is not the public one. */
  host?: string;
  /** Subdomains of the host that may send requests: names (`["api"]`) or `"*"` for all. */
  allowedSubDomains?: string[] | "*";
  /** Whole origins that may send requests (a split front-end, say): `https://app.example`. */
  trustedOrigins?: string[];
}

export interface Configuration {
  /** One adapter, or `{ user, session }` to keep sessions in another store. */
  adapter: AdapterConfig;
  /** When absent, `Secure` follows the request's protocol (`https:` gets it). */
  env?: Env;
  /** Maps the framework's handler arguments; `qwik()` by default. */
  middleware?: Middleware<any>;
  /** In milliseconds. Defaults: active 1 day, then idle (renewed on use) 14 days more. */
  sessionExpiresIn?: { activePeriod: number; idlePeriod: number };
  sessionCookie?: {
    /** Default `auth_session`. */
    name?: string;
    /** Merged over the defaults `HttpOnly`, `SameSite=Lax`, `Path=/`. */
    attributes?: CookieAttributes;
    /** False writes a browser-session cookie (no `Expires`). Default true. */
    expires?: boolean;
  };
  getUserAttributes?: (databaseUser: DatabaseUser) => object;
  getSessionAttributes?: (databaseSession: DatabaseSession) => object;
  /** Replaces the default scrypt hashing (Lucia v2's `s2:` format). */
  passwordHash?: PasswordHash;
  /** Origin checks for non-GET requests; on by default. */
  csrfProtection?: boolean | CsrfProtection;
  /**
   * Throttling of `authRequest.useKey()` sign-ins (on by default, counts in memory); false
   * turns it off. `auth.useKey()` itself is never throttled.
   */
  signInThrottle?: SignInThrottleOptions | false;
  /** Opt-in diagnostics (why a session or an origin was refused); nothing is logged otherwise. */
  debug?: (message: string) => void;
}

const DAY = 24 * 60 * 60 * 1000;
export const DEFAULT_ACTIVE_PERIOD = DAY;
export const DEFAULT_IDLE_PERIOD = 14 * DAY;

const USER_ADAPTER_METHODS = [
  "getUser",
  "setUser",
  "updateUser",
  "deleteUser",
  "getKey",
  "getKeysByUserId",
  "setKey",
  "updateKey",
  "deleteKey",
  "deleteKeysByUserId",
] as const satisfies readonly (keyof UserAdapter)[];

const SESSION_ADAPTER_METHODS = [
  "getSession",
  "getSessionsByUserId",
  "setSession",
  "updateSession",
  "renewSession",
  "deleteSession",
  "deleteSessionsByUserId",
  "deleteDeadSessions",
] as const satisfies readonly (keyof SessionAdapter)[];

function invalid(option: string, problem: string): TypeError {
  return new TypeError(`qwik-lucia: \`${option}\` ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function checkMethods(value: unknown, methods: readonly string[], option: string): void {
  if (!isObject(value)) throw invalid(option, "must be an adapter object");
  const missing = methods.filter((method) => typeof value[method] !== "function");
  if (missing.length > 0)
    throw invalid(option, `is missing adapter methods: ${missing.join(", ")}`);
}

function checkPeriod(value: unknown, option: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(option, "must be a positive whole number of milliseconds");
  }
  return value;
}

function checkFunction(value: unknown, option: string): void {
  if (value !== undefined && typeof value !== "function")
    throw invalid(option, "must be a function");
}

/** Throws a `TypeError` naming the option when the configuration cannot work. */
export function validateConfiguration(config: unknown): asserts config is Configuration {
  if (!isObject(config)) throw invalid("config", "must be an object");
  const { adapter } = config;
  if (isObject(adapter) && "user" in adapter && "session" in adapter) {
    checkMethods(adapter["user"], USER_ADAPTER_METHODS, "adapter.user");
    checkMethods(adapter["session"], SESSION_ADAPTER_METHODS, "adapter.session");
  } else {
    checkMethods(adapter, [...USER_ADAPTER_METHODS, ...SESSION_ADAPTER_METHODS], "adapter");
  }
  if (config["env"] !== undefined && config["env"] !== "DEV" && config["env"] !== "PROD") {
    throw invalid("env", 'must be "DEV" or "PROD" (or left out)');
  }
  checkFunction(config["middleware"], "middleware");
  checkFunction(config["getUserAttributes"], "getUserAttributes");
  checkFunction(config["getSessionAttributes"], "getSessionAttributes");
  checkFunction(config["debug"], "debug");
  validateExpiries(config["sessionExpiresIn"]);
  validateCookie(config["sessionCookie"]);
  validatePasswordHash(config["passwordHash"]);
  validateCsrfProtection(config["csrfProtection"]);
  const throttle = config["signInThrottle"];
  if (throttle !== undefined && throttle !== false && !isObject(throttle)) {
    throw invalid("signInThrottle", "must be an options object or false");
  }
}

function validateExpiries(expiresIn: unknown): void {
  if (expiresIn === undefined) return;
  if (!isObject(expiresIn)) throw invalid("sessionExpiresIn", "must be an object");
  checkPeriod(expiresIn["activePeriod"], "sessionExpiresIn.activePeriod");
  checkPeriod(expiresIn["idlePeriod"], "sessionExpiresIn.idlePeriod");
}

function validateCookie(cookie: unknown): void {
  if (cookie === undefined) return;
  if (!isObject(cookie)) throw invalid("sessionCookie", "must be an object");
  const { name, attributes, expires } = cookie;
  if (name !== undefined && (typeof name !== "string" || !isValidCookieName(name))) {
    throw invalid("sessionCookie.name", "must be a cookie name (letters, digits, !#$%&'*+-.^_`|~)");
  }
  if (attributes !== undefined && !isObject(attributes)) {
    throw invalid("sessionCookie.attributes", "must be an object of cookie attributes");
  }
  const sameSite = isObject(attributes) ? attributes["sameSite"] : undefined;
  if (
    sameSite !== undefined &&
    sameSite !== "lax" &&
    sameSite !== "strict" &&
    sameSite !== "none"
  ) {
    throw invalid("sessionCookie.attributes.sameSite", 'must be "lax", "strict" or "none"');
  }
  if (expires !== undefined && typeof expires !== "boolean") {
    throw invalid("sessionCookie.expires", "must be a boolean");
  }
}

function validatePasswordHash(passwordHash: unknown): void {
  if (passwordHash === undefined) return;
  if (
    !isObject(passwordHash) ||
    typeof passwordHash["generate"] !== "function" ||
    typeof passwordHash["validate"] !== "function"
  ) {
    throw invalid("passwordHash", "must be an object with generate() and validate() functions");
  }
}

function validateCsrfProtection(csrf: unknown): void {
  if (csrf === undefined || typeof csrf === "boolean") return;
  if (!isObject(csrf)) throw invalid("csrfProtection", "must be a boolean or an object");
  if (csrf["host"] !== undefined && typeof csrf["host"] !== "string") {
    throw invalid("csrfProtection.host", "must be a host name such as example.com");
  }
  const subDomains = csrf["allowedSubDomains"];
  if (
    subDomains !== undefined &&
    subDomains !== "*" &&
    !(Array.isArray(subDomains) && subDomains.every((name) => typeof name === "string"))
  ) {
    throw invalid("csrfProtection.allowedSubDomains", 'must be a list of names or "*"');
  }
  const origins = csrf["trustedOrigins"];
  if (origins === undefined) return;
  if (!Array.isArray(origins)) throw invalid("csrfProtection.trustedOrigins", "must be a list");
  for (const origin of origins) {
    if (typeof origin !== "string" || !URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw invalid(
        "csrfProtection.trustedOrigins",
        `holds ${JSON.stringify(origin)}, which is not an origin such as https://app.example.com`,
      );
    }
  }
}

/** The adapter split into its user and session halves. */
export function splitAdapter(adapter: AdapterConfig): {
  user: UserAdapter;
  session: SessionAdapter;
} {
  if ("user" in adapter && "session" in adapter) return adapter as never;
  return { user: adapter as UserAdapter, session: adapter as SessionAdapter };
}

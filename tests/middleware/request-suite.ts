import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, vi } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import type { Configuration } from "../../src/core/config.js";
import type { AuthRequest } from "../../src/core/request.js";
import type { Middleware } from "../../src/core/request-context.js";
import type { Session } from "../../src/core/types.js";
import {
  countedDatabase,
  createAuth,
  parseSetCookie,
  signedInSession,
  type CountedDatabase,
} from "../request/fixture.js";
import { sessionCases } from "./suite-session.js";
import { validationCases } from "./suite-validation.js";

/** One request to drive through a middleware: the method and headers it arrives with. */
export interface TestRequest {
  method?: string;
  headers?: Record<string, string>;
}

export interface Outcome<T> {
  result: T;
  /** The `Set-Cookie` values the response (or the framework's cookie jar) ends up with. */
  setCookies: string[];
}

/** How a test reaches one middleware through its framework. */
export interface Driver {
  middleware: () => Middleware<any>;
  /** The origin requests are addressed to (a real server's, or a fixed one). */
  origin: () => string;
  start?: () => Promise<void>;
  stop?: () => Promise<void>;
  /** Sends one request; `handle` runs inside it with `auth.handleRequest(...)`'s result. */
  run<T>(
    auth: Auth<any>,
    request: TestRequest,
    handle: (authRequest: AuthRequest) => Promise<T>,
  ): Promise<Outcome<T>>;
}

type Options = Omit<Configuration, "adapter" | "middleware">;

/** What every case gets: the driver and, fresh for each test, a counted database and `auth`. */
export interface Harness {
  readonly driver: Driver;
  readonly database: CountedDatabase;
  readonly auth: Auth<any>;
  /** Another `auth` on the same database and middleware, with other options. */
  withAuth(options?: Options): Auth<any>;
  /** A fresh user's fresh session; the statement counter starts at zero afterwards. */
  validSession(): Promise<Session>;
}

/** A `Cookie` header carrying the session token next to a cookie of the application's. */
export const cookieHeader = (token: string): Record<string, string> => ({
  cookie: `theme=dark; auth_session=${token}`,
});

/**
 * The seed's sequences and the request rules, each with its number of SQL statements
 * counted on a real SQLite file, for one middleware.
 */
export function describeRequestHandling(name: string, driver: Driver): void {
  describe(`${name}: request handling on SQLite`, () => {
    let database: CountedDatabase;
    let auth: Auth<any>;
    const withAuth = (options: Options = {}): Auth<any> =>
      createAuth(database, { env: "DEV", ...options, middleware: driver.middleware() });
    const harness: Harness = {
      driver,
      get database() {
        return database;
      },
      get auth() {
        return auth;
      },
      withAuth,
      async validSession() {
        const session = await signedInSession(auth);
        database.reset();
        return session;
      },
    };

    beforeAll(async () => {
      await driver.start?.();
    });
    afterAll(async () => {
      await driver.stop?.();
    });
    beforeEach(() => {
      database = countedDatabase();
      auth = withAuth();
    });
    afterEach(() => {
      vi.useRealTimers();
      database.close();
    });

    validationCases(harness);
    sessionCases(harness);
  });
}

/** Exactly one `Set-Cookie`, and it removes the session cookie. */
export function expectRemoval(setCookies: string[], name = "auth_session"): void {
  expect(setCookies).toHaveLength(1);
  const cookie = parseSetCookie(setCookies[0]!);
  expect(cookie.name).toBe(name);
  expect(cookie.value === "" || cookie.value === "deleted").toBe(true);
  const expires = cookie.attributes["expires"];
  const maxAge = cookie.attributes["max-age"];
  expect(maxAge === "0" || new Date(String(expires)).getTime() === 0).toBe(true);
  expect(cookie.attributes["path"]).toBe("/");
}

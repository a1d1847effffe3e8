import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import type { Configuration } from "../../src/core/config.js";
import { LuciaError } from "../../src/core/errors.js";
import type { AuthRequest } from "../../src/core/request.js";
import type { Middleware } from "../../src/core/request-context.js";
import {
  countedDatabase,
  createAuth,
  DAY,
  parseSetCookie,
  signedInSession,
  type CountedDatabase,
} from "../request/fixture.js";

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

const cookieHeader = (token: string): Record<string, string> => ({
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

    async function validSession(target = auth) {
      const session = await signedInSession(target);
      database.reset();
      return session;
    }

    it("resolves null with no database call and no cookie when there is no session cookie", async () => {
      database.reset();

      const { result, setCookies } = await driver.run(auth, {}, (authRequest) =>
        authRequest.validateUser(),
      );

      expect(result).toEqual({ user: null, session: null });
      expect(database.count).toBe(0);
      expect(setCookies).toEqual([]);
    });

    it("validate() makes one database call when called twice in parallel", async () => {
      const session = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        (authRequest) => Promise.all([authRequest.validate(), authRequest.validate()]),
      );

      expect(database.count).toBe(1);
      expect(result[0]?.sessionId).toBe(session.sessionId);
      expect(result[1]).toBe(result[0]);
      expect(setCookies).toEqual([]);
    });

    it("validate() makes one database call when called twice in sequence", async () => {
      const session = await validSession();

      const { result } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => [await authRequest.validate(), await authRequest.validate()],
      );

      expect(database.count).toBe(1);
      expect(result[0]?.sessionId).toBe(session.sessionId);
      expect(result[1]).toBe(result[0]);
    });

    it("validate() after validateUser() answers from its result without a database call", async () => {
      const session = await validSession();

      const { result } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          const { user } = await authRequest.validateUser();
          return { user, session: await authRequest.validate() };
        },
      );

      expect(database.count).toBe(1);
      expect(result.user?.userId).toBe(session.userId);
      expect(result.session?.sessionId).toBe(session.sessionId);
    });

    it("validateUser() after validate() costs no second statement (the join returned the user)", async () => {
      const session = await validSession();

      const { result } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          const validated = await authRequest.validate();
          return { validated, both: await authRequest.validateUser() };
        },
      );

      expect(database.count).toBe(1);
      expect(result.both.user?.userId).toBe(session.userId);
      expect(result.both.session).toBe(result.validated);
    });

    it("renews an idle session once, in place, and sends a cookie with the new expiry", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const createdAt = Date.UTC(2026, 0, 1);
      vi.setSystemTime(createdAt);
      const session = await validSession();
      const usedAt = createdAt + DAY + 60_000;
      vi.setSystemTime(usedAt);

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        (authRequest) => Promise.all([authRequest.validate(), authRequest.validate()]),
      );

      const renewed = result[0]!;
      const expectedIdleExpiry = new Date(usedAt + DAY + 14 * DAY);
      expect(database.count).toBe(2);
      expect(database.log[1]).toMatch(/^UPDATE/);
      expect(renewed.sessionId).toBe(session.sessionId);
      expect(renewed.fresh).toBe(true);
      expect(renewed.state).toBe("active");
      expect(renewed.idlePeriodExpiresAt).toEqual(expectedIdleExpiry);
      expect(setCookies).toHaveLength(1);
      const cookie = parseSetCookie(setCookies[0]!);
      expect(cookie.name).toBe("auth_session");
      expect(cookie.value).toBe(session.token);
      expect(new Date(String(cookie.attributes["expires"]))).toEqual(expectedIdleExpiry);
      const row = database.db
        .prepare(`SELECT idle_expires FROM user_session WHERE id = ?`)
        .get(session.sessionId) as { idle_expires: number };
      expect(row.idle_expires).toBe(expectedIdleExpiry.getTime());
    });

    it("resolves null and removes a dead session's cookie once, even when validated again", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const createdAt = Date.UTC(2026, 0, 1);
      vi.setSystemTime(createdAt);
      const session = await validSession();
      vi.setSystemTime(createdAt + 15 * DAY);

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          const first = await authRequest.validate();
          authRequest.invalidate();
          return [first, await authRequest.validate(), await authRequest.validateUser()];
        },
      );

      expect(result).toEqual([null, null, { user: null, session: null }]);
      expect(database.count).toBe(1);
      expectRemoval(setCookies);
    });

    it("resolves null and removes an unknown session's cookie once", async () => {
      const unknown = (await validSession()).token!.replace(/^./, (c) => (c === "A" ? "B" : "A"));

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(unknown) },
        async (authRequest) => [await authRequest.validate(), await authRequest.validate()],
      );

      expect(result).toEqual([null, null]);
      expect(database.count).toBe(1);
      expectRemoval(setCookies);
    });

    it("resolves null and removes a malformed cookie once, without a database call", async () => {
      database.reset();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: { cookie: 'auth_session="%zz not a token' } },
        async (authRequest) => [await authRequest.validate(), await authRequest.validate()],
      );

      expect(result).toEqual([null, null]);
      expect(database.count).toBe(0);
      expectRemoval(setCookies);
    });

    it("setSession(session) writes the cookie and the next validate() returns it without a call", async () => {
      const user = await auth.createUser({ key: null, attributes: {} });

      const { result, setCookies } = await driver.run(auth, {}, async (authRequest) => {
        const session = await auth.createSession({ userId: user.userId, attributes: {} });
        database.reset();
        authRequest.setSession(session);
        return { session, validated: await authRequest.validate() };
      });

      expect(database.count).toBe(0);
      expect(result.validated).toBe(result.session);
      expect(setCookies).toHaveLength(1);
      const cookie = parseSetCookie(setCookies[0]!);
      expect(cookie).toEqual({
        name: "auth_session",
        value: result.session.token,
        attributes: {
          path: "/",
          expires: result.session.idlePeriodExpiresAt.toUTCString(),
          httponly: true,
          samesite: "Lax",
        },
      });
    });

    it("setSession(null) removes the cookie and the next validate() resolves null without a call", async () => {
      const session = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          authRequest.setSession(null);
          return authRequest.validateUser();
        },
      );

      expect(result).toEqual({ user: null, session: null });
      expect(database.count).toBe(0);
      expectRemoval(setCookies);
    });

    it("signs out with invalidateSession() and setSession(null): the old cookie no longer works", async () => {
      const session = await validSession();

      const signOut = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          const current = await authRequest.validate();
          await auth.invalidateSession(current!.sessionId);
          authRequest.setSession(null);
          return authRequest.validate();
        },
      );
      const later = await driver.run(auth, { headers: cookieHeader(session.token!) }, (r) =>
        r.validate(),
      );

      expect(signOut.result).toBeNull();
      expectRemoval(signOut.setCookies);
      expect(later.result).toBeNull();
      expectRemoval(later.setCookies);
    });

    it("a renewal still in flight when setSession(null) is called does not bring the cookie back", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const createdAt = Date.UTC(2026, 0, 1);
      vi.setSystemTime(createdAt);
      const session = await validSession();
      vi.setSystemTime(createdAt + DAY + 1);

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          const inFlight = authRequest.validate();
          authRequest.setSession(null);
          await inFlight;
          return authRequest.validate();
        },
      );

      expect(result).toBeNull();
      expectRemoval(setCookies);
    });

    it("a failed validation still in flight when setSession(session) is called keeps the new cookie", async () => {
      const user = await auth.createUser({ key: null, attributes: {} });
      const fresh = await auth.createSession({ userId: user.userId, attributes: {} });
      const stale = fresh.token!.replace(/^./, (c) => (c === "A" ? "B" : "A"));
      database.reset();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(stale) },
        async (authRequest) => {
          const inFlight = authRequest.validate();
          authRequest.setSession(fresh);
          return { stale: await inFlight, current: await authRequest.validate() };
        },
      );

      expect(result.stale).toBeNull();
      expect(result.current).toBe(fresh);
      expect(setCookies).toHaveLength(1);
      expect(parseSetCookie(setCookies[0]!).value).toBe(fresh.token);
    });

    it("rejects with AUTH_DATABASE_FAILURE, keeps the cookie, and retries after recovery", async () => {
      const session = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          database.breakSessions();
          database.reset();
          const failure = await authRequest.validate().then(
            () => null,
            (error: unknown) => error,
          );
          const failedStatements = database.count;
          database.recover();
          database.reset();
          const retried = await authRequest.validate();
          return { failure, failedStatements, retried, statements: database.count };
        },
      );

      expect(result.failure).toBeInstanceOf(LuciaError);
      expect((result.failure as LuciaError).code).toBe("AUTH_DATABASE_FAILURE");
      // One attempt, which failed; the retry is one statement more, on the same AuthRequest.
      expect(result.failedStatements).toBe(1);
      expect(result.retried?.sessionId).toBe(session.sessionId);
      expect(result.statements).toBe(1);
      expect(setCookies).toEqual([]);
    });

    it("rejects with AUTH_DATABASE_FAILURE when the connection is closed, without a cookie", async () => {
      const session = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          database.db.close();
          return authRequest.validateUser().then(
            () => null,
            (error: unknown) => error,
          );
        },
      );

      expect((result as LuciaError).code).toBe("AUTH_DATABASE_FAILURE");
      expect(setCookies).toEqual([]);
    });

    it("invalidate() makes the next validate() look the session up again", async () => {
      const session = await validSession();

      const { result } = await driver.run(
        auth,
        { headers: cookieHeader(session.token!) },
        async (authRequest) => {
          const first = await authRequest.validate();
          authRequest.invalidate();
          return [first, await authRequest.validate()];
        },
      );

      expect(database.count).toBe(2);
      expect(result[1]?.sessionId).toBe(session.sessionId);
      expect(result[1]).not.toBe(result[0]);
    });

    it("validateBearerToken() has its own cache and leaves the cookie and validate() alone", async () => {
      const cookieSession = await signedInSession(auth);
      const bearerSession = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        {
          headers: {
            ...cookieHeader(cookieSession.token!),
            authorization: `Bearer ${bearerSession.token}`,
          },
        },
        async (authRequest) => {
          const bearer = await Promise.all([
            authRequest.validateBearerToken(),
            authRequest.validateBearerToken(),
          ]);
          const afterBearer = database.count;
          const cookie = await authRequest.validate();
          return { bearer, afterBearer, cookie, statements: database.count };
        },
      );

      expect(result.afterBearer).toBe(1);
      expect(result.bearer[0]?.sessionId).toBe(bearerSession.sessionId);
      expect(result.bearer[1]).toBe(result.bearer[0]);
      expect(result.cookie?.sessionId).toBe(cookieSession.sessionId);
      expect(result.statements).toBe(2);
      expect(setCookies).toEqual([]);
    });

    it("validateBearerToken() with an unknown token resolves null and removes no cookie", async () => {
      const session = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        { headers: { ...cookieHeader(session.token!), authorization: "Bearer " + "x".repeat(32) } },
        async (authRequest) => [
          await authRequest.validateBearerToken(),
          await authRequest.validate(),
        ],
      );

      expect(result[0]).toBeNull();
      expect(result[1]?.sessionId).toBe(session.sessionId);
      expect(database.count).toBe(2);
      expect(setCookies).toEqual([]);
    });

    it("ignores the cookie of a cross-origin POST and keeps it (signed out, not signed off)", async () => {
      const session = await validSession();

      const { result, setCookies } = await driver.run(
        auth,
        {
          method: "POST",
          headers: { ...cookieHeader(session.token!), origin: "https://evil.example" },
        },
        (authRequest) => authRequest.validate(),
      );

      expect(result).toBeNull();
      expect(database.count).toBe(0);
      expect(setCookies).toEqual([]);
    });

    it("accepts the cookie of a same-origin POST", async () => {
      const session = await validSession();

      const { result } = await driver.run(
        auth,
        { method: "POST", headers: { ...cookieHeader(session.token!), origin: driver.origin() } },
        (authRequest) => authRequest.validate(),
      );

      expect(result?.sessionId).toBe(session.sessionId);
      expect(database.count).toBe(1);
    });

    it("writes the configured cookie attributes exactly (Secure, SameSite, Domain, Path, Max-Age)", async () => {
      const custom = withAuth({
        env: "PROD",
        sessionCookie: {
          name: "sid",
          attributes: { sameSite: "strict", domain: "example.test", path: "/app", maxAge: 3600 },
        },
      });
      const user = await custom.createUser({ key: null, attributes: {} });

      const { result, setCookies } = await driver.run(custom, {}, async (authRequest) => {
        const session = await custom.createSession({ userId: user.userId, attributes: {} });
        authRequest.setSession(session);
        return session;
      });

      expect(setCookies.map(parseSetCookie)).toEqual([
        {
          name: "sid",
          value: result.token,
          attributes: {
            domain: "example.test",
            path: "/app",
            expires: result.idlePeriodExpiresAt.toUTCString(),
            "max-age": "3600",
            httponly: true,
            secure: true,
            samesite: "Strict",
          },
        },
      ]);
    });
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

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import type { Cookie } from "../../src/core/cookie.js";
import { LuciaError } from "../../src/core/errors.js";
import { lucia as luciaMiddleware } from "../../src/middleware/lucia.js";
import {
  countedDatabase,
  createAuth,
  DAY,
  signedInSession,
  type CountedDatabase,
} from "./fixture.js";

const REQUEST_URL = "http://localhost:3000/";

describe("AuthRequest", () => {
  let database: CountedDatabase;
  let auth: Auth<any>;
  let setCookies: string[];

  const handle = (headers: Record<string, string> = {}) =>
    auth.handleRequest({
      request: { method: "GET", url: REQUEST_URL, headers: new Headers(headers) },
      setCookie: (cookie: Cookie) => setCookies.push(cookie.serialize()),
    });

  beforeEach(() => {
    database = countedDatabase();
    auth = createAuth(database, { middleware: luciaMiddleware() });
    setCookies = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    database.close();
  });

  it("handleRequest() does no database call and writes no cookie", async () => {
    const session = await signedInSession(auth);
    database.reset();

    handle({ cookie: `auth_session=${session.token}` });

    expect(database.count).toBe(0);
    expect(setCookies).toEqual([]);
  });

  it("renews an idle session once when two requests use it at the same time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const createdAt = Date.UTC(2026, 0, 1);
    vi.setSystemTime(createdAt);
    const session = await signedInSession(auth);
    vi.setSystemTime(createdAt + DAY + 1);
    database.reset();

    const sessions = await Promise.all([
      handle({ cookie: `auth_session=${session.token}` }).validate(),
      handle({ cookie: `auth_session=${session.token}` }).validate(),
    ]);

    const updates = database.log.filter((sql) => sql.startsWith("UPDATE"));
    expect(updates).toHaveLength(1);
    expect(database.count).toBe(3);
    expect(sessions.map((renewed) => renewed?.sessionId)).toEqual([
      session.sessionId,
      session.sessionId,
    ]);
    expect(sessions[1]?.idlePeriodExpiresAt).toEqual(sessions[0]?.idlePeriodExpiresAt);
    expect(setCookies).toHaveLength(2);
    expect(setCookies[1]).toBe(setCookies[0]);
  });

  it("finds the session cookie among other cookies", async () => {
    const session = await signedInSession(auth);

    const found = await handle({
      cookie: `a=1; auth_session_old=x; auth_session=${session.token}; b=2`,
    }).validate();

    expect(found?.sessionId).toBe(session.sessionId);
  });

  it("parallel calls during a database failure reject; a later call retries", async () => {
    const session = await signedInSession(auth);
    const authRequest = handle({ cookie: `auth_session=${session.token}` });
    database.breakSessions();
    database.reset();

    const failures = await Promise.allSettled([authRequest.validate(), authRequest.validateUser()]);
    const attempts = database.count;
    database.recover();
    database.reset();
    const retried = await authRequest.validate();

    expect(failures.map((failure) => failure.status)).toEqual(["rejected", "rejected"]);
    const reason = (failures[0] as PromiseRejectedResult).reason as LuciaError;
    expect(reason).toBeInstanceOf(LuciaError);
    expect(reason.code).toBe("AUTH_DATABASE_FAILURE");
    expect(attempts).toBe(1);
    expect(retried?.sessionId).toBe(session.sessionId);
    expect(database.count).toBe(1);
    expect(setCookies).toEqual([]);
  });

  it("validateBearerToken() rejects on a database failure and retries after recovery", async () => {
    const session = await signedInSession(auth);
    const authRequest = handle({ authorization: `Bearer ${session.token}` });
    database.breakSessions();

    const failure = await authRequest.validateBearerToken().catch((error: unknown) => error);
    database.recover();
    database.reset();
    const retried = await authRequest.validateBearerToken();

    expect((failure as LuciaError).code).toBe("AUTH_DATABASE_FAILURE");
    expect(retried?.sessionId).toBe(session.sessionId);
    expect(database.count).toBe(1);
    expect(setCookies).toEqual([]);
  });

  it("validateBearerToken(): null, no lookup, for a missing or bad header", async () => {
    database.reset();

    const missing = await handle().validateBearerToken();
    const basic = await handle({ authorization: "Basic dXNlcjpwYXNz" }).validateBearerToken();
    const short = await handle({ authorization: "Bearer abc" }).validateBearerToken();

    expect([missing, basic, short]).toEqual([null, null, null]);
    expect(database.count).toBe(0);
  });

  it("invalidate() also forgets the Bearer result", async () => {
    const session = await signedInSession(auth);
    const authRequest = handle({ authorization: `Bearer ${session.token}` });
    database.reset();

    await authRequest.validateBearerToken();
    authRequest.invalidate();
    await authRequest.validateBearerToken();

    expect(database.count).toBe(2);
  });

  it("invalidate() picks up a sign-out made elsewhere", async () => {
    const session = await signedInSession(auth);
    const authRequest = handle({ cookie: `auth_session=${session.token}` });
    expect((await authRequest.validate())?.sessionId).toBe(session.sessionId);

    await auth.invalidateSession(session.sessionId);
    const cached = await authRequest.validate();
    authRequest.invalidate();
    const fresh = await authRequest.validate();

    expect(cached?.sessionId).toBe(session.sessionId);
    expect(fresh).toBeNull();
    expect(setCookies).toHaveLength(1);
  });

  it("getSetCookieHeaders() lists what setCookie received last", async () => {
    const session = await signedInSession(auth);
    const authRequest = handle();

    authRequest.setSession(session);

    expect(authRequest.getSetCookieHeaders()).toEqual(setCookies);
  });

  it("setSession() refuses a session without its token, naming the cause", async () => {
    const session = await signedInSession(auth);
    const listed = await auth.getSession(session.sessionId);

    expect(() => handle().setSession(listed)).toThrow(/no token/);
    expect(setCookies).toEqual([]);
  });

  it("a cookie that cannot be written rejects that call only: the next call retries", async () => {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    const session = await signedInSession(auth);
    vi.setSystemTime(start + DAY + 1);
    let responseSent = true;
    const authRequest = auth.handleRequest({
      request: {
        method: "GET",
        url: REQUEST_URL,
        headers: new Headers({ cookie: `auth_session=${session.token}` }),
      },
      setCookie: (cookie: Cookie) => {
        if (responseSent) throw new LuciaError("AUTH_INVALID_REQUEST", "the response was sent");
        setCookies.push(cookie.serialize());
      },
    });

    const failure = await authRequest.validate().catch((error: unknown) => error);
    responseSent = false;
    vi.setSystemTime(start + 2 * DAY + 2);
    const retried = await authRequest.validate();

    expect((failure as LuciaError).code).toBe("AUTH_INVALID_REQUEST");
    expect(retried?.sessionId).toBe(session.sessionId);
    expect(setCookies).toHaveLength(1);
  });

  it("reads a framework's cookie jar once, at validation, however often handleRequest runs", async () => {
    const session = await signedInSession(auth);
    const requestStore = new Map<string, unknown>();
    const readSessionCookie = vi.fn(() => session.token ?? null);
    const shared = createAuth(database, {
      middleware: () => ({
        request: { method: "GET", url: REQUEST_URL, headers: new Headers() },
        readSessionCookie,
        requestStore,
      }),
    });

    const first = shared.handleRequest();
    const second = shared.handleRequest();
    const readsBeforeValidation = readSessionCookie.mock.calls.length;
    await Promise.all([first.validate(), second.validateUser(), shared.handleRequest().validate()]);

    expect(second).toBe(first);
    expect(readsBeforeValidation).toBe(0);
    expect(readSessionCookie).toHaveBeenCalledTimes(1);
    expect((await first.validate())?.sessionId).toBe(session.sessionId);
  });
});

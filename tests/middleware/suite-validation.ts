import { expect, it, vi } from "vitest";
import { LuciaError } from "../../src/core/errors.js";
import { DAY, parseSetCookie } from "../request/fixture.js";
import { cookieHeader, expectRemoval, type Harness } from "./request-suite.js";

/** Caching, renewal, removal of a bad cookie, database failures: the seed's `validate()` rules. */
export function validationCases(h: Harness): void {
  const { driver } = h;

  it("without a session cookie: null, no database call, no cookie", async () => {
    h.database.reset();

    const { result, setCookies } = await driver.run(h.auth, {}, (authRequest) =>
      authRequest.validateUser(),
    );

    expect(result).toEqual({ user: null, session: null });
    expect(h.database.count).toBe(0);
    expect(setCookies).toEqual([]);
  });

  it("validate() makes one database call when called twice in parallel", async () => {
    const session = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      (authRequest) => Promise.all([authRequest.validate(), authRequest.validate()]),
    );

    expect(h.database.count).toBe(1);
    expect(result[0]?.sessionId).toBe(session.sessionId);
    expect(result[1]).toBe(result[0]);
    expect(setCookies).toEqual([]);
  });

  it("validate() makes one database call when called twice in sequence", async () => {
    const session = await h.validSession();

    const { result } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => [await authRequest.validate(), await authRequest.validate()],
    );

    expect(h.database.count).toBe(1);
    expect(result[0]?.sessionId).toBe(session.sessionId);
    expect(result[1]).toBe(result[0]);
  });

  it("validateUser() twice in sequence, then in parallel, is one call", async () => {
    const session = await h.validSession();

    const { result } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => [
        await authRequest.validateUser(),
        await authRequest.validateUser(),
        ...(await Promise.all([authRequest.validateUser(), authRequest.validateUser()])),
      ],
    );

    expect(h.database.count).toBe(1);
    expect(result[0]?.user?.userId).toBe(session.userId);
    expect(new Set(result).size).toBe(1);
  });

  it("validate() after validateUser() answers without a database call", async () => {
    const session = await h.validSession();

    const { result } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        const { user } = await authRequest.validateUser();
        return { user, session: await authRequest.validate() };
      },
    );

    expect(h.database.count).toBe(1);
    expect(result.user?.userId).toBe(session.userId);
    expect(result.session?.sessionId).toBe(session.sessionId);
  });

  it("validateUser() after validate() costs no second statement", async () => {
    const session = await h.validSession();

    const { result } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        const validated = await authRequest.validate();
        return { validated, both: await authRequest.validateUser() };
      },
    );

    expect(h.database.count).toBe(1);
    expect(result.both.user?.userId).toBe(session.userId);
    expect(result.both.session).toBe(result.validated);
  });

  it("renews an idle session once, in place, and sends a cookie with the new expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const createdAt = Date.UTC(2026, 0, 1);
    vi.setSystemTime(createdAt);
    const session = await h.validSession();
    const usedAt = createdAt + DAY + 60_000;
    vi.setSystemTime(usedAt);

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      (authRequest) => Promise.all([authRequest.validate(), authRequest.validate()]),
    );

    const renewed = result[0]!;
    const expectedIdleExpiry = new Date(usedAt + DAY + 14 * DAY);
    expect(h.database.count).toBe(2);
    expect(h.database.log[1]).toMatch(/^UPDATE/);
    expect(renewed.sessionId).toBe(session.sessionId);
    expect(renewed.fresh).toBe(true);
    expect(renewed.state).toBe("active");
    expect(renewed.idlePeriodExpiresAt).toEqual(expectedIdleExpiry);
    expect(setCookies).toHaveLength(1);
    const cookie = parseSetCookie(setCookies[0]!);
    expect(cookie.name).toBe("auth_session");
    expect(cookie.value).toBe(session.token);
    expect(new Date(String(cookie.attributes["expires"]))).toEqual(expectedIdleExpiry);
    const row = h.database.db
      .prepare(`SELECT idle_expires FROM user_session WHERE id = ?`)
      .get(session.sessionId) as { idle_expires: number };
    expect(row.idle_expires).toBe(expectedIdleExpiry.getTime());
  });

  it("a dead session: null, and its cookie removed once, even if asked again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const createdAt = Date.UTC(2026, 0, 1);
    vi.setSystemTime(createdAt);
    const session = await h.validSession();
    vi.setSystemTime(createdAt + 15 * DAY);

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        const first = await authRequest.validate();
        authRequest.invalidate();
        return [first, await authRequest.validate(), await authRequest.validateUser()];
      },
    );

    expect(result).toEqual([null, null, { user: null, session: null }]);
    expect(h.database.count).toBe(1);
    expectRemoval(setCookies);
  });

  it("resolves null and removes an unknown session's cookie once", async () => {
    const unknown = (await h.validSession()).token!.replace(/^./, (c) => (c === "A" ? "B" : "A"));

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(unknown) },
      async (authRequest) => [await authRequest.validate(), await authRequest.validate()],
    );

    expect(result).toEqual([null, null]);
    expect(h.database.count).toBe(1);
    expectRemoval(setCookies);
  });

  it("resolves null and removes a malformed cookie once, without a database call", async () => {
    h.database.reset();

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: { cookie: 'auth_session="%zz not a token' } },
      async (authRequest) => [await authRequest.validate(), await authRequest.validate()],
    );

    expect(result).toEqual([null, null]);
    expect(h.database.count).toBe(0);
    expectRemoval(setCookies);
  });

  it("a database failure rejects, keeps the cookie, and is retried later", async () => {
    const session = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        h.database.breakSessions();
        h.database.reset();
        const failure = await authRequest.validate().then(
          () => null,
          (error: unknown) => error,
        );
        const failedStatements = h.database.count;
        h.database.recover();
        h.database.reset();
        const retried = await authRequest.validate();
        return { failure, failedStatements, retried, statements: h.database.count };
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

  it("a closed connection rejects with AUTH_DATABASE_FAILURE, no cookie", async () => {
    const session = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        h.database.db.close();
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
    const session = await h.validSession();

    const { result } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        const first = await authRequest.validate();
        authRequest.invalidate();
        return [first, await authRequest.validate()];
      },
    );

    expect(h.database.count).toBe(2);
    expect(result[1]?.sessionId).toBe(session.sessionId);
    expect(result[1]).not.toBe(result[0]);
  });
}

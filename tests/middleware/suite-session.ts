import { expect, it, vi } from "vitest";
import { DAY, parseSetCookie, signedInSession } from "../request/fixture.js";
import { cookieHeader, expectRemoval, type Harness } from "./request-suite.js";

/** `setSession`, sign-out, Bearer tokens, the origin check and the cookie's attributes. */
export function sessionCases(h: Harness): void {
  const { driver } = h;

  it("setSession(session) writes the cookie; validate() then answers without a call", async () => {
    const user = await h.auth.createUser({ key: null, attributes: {} });

    const { result, setCookies } = await driver.run(h.auth, {}, async (authRequest) => {
      const session = await h.auth.createSession({ userId: user.userId, attributes: {} });
      h.database.reset();
      authRequest.setSession(session);
      return { session, validated: await authRequest.validate() };
    });

    expect(h.database.count).toBe(0);
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

  it("setSession(null) removes the cookie; validate() then answers null, no call", async () => {
    const session = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        authRequest.setSession(null);
        return authRequest.validateUser();
      },
    );

    expect(result).toEqual({ user: null, session: null });
    expect(h.database.count).toBe(0);
    expectRemoval(setCookies);
  });

  it("sign-out (invalidateSession + setSession(null)) kills the old cookie", async () => {
    const session = await h.validSession();

    const signOut = await driver.run(
      h.auth,
      { headers: cookieHeader(session.token!) },
      async (authRequest) => {
        const current = await authRequest.validate();
        await h.auth.invalidateSession(current!.sessionId);
        authRequest.setSession(null);
        return authRequest.validate();
      },
    );
    const later = await driver.run(h.auth, { headers: cookieHeader(session.token!) }, (r) =>
      r.validate(),
    );

    expect(signOut.result).toBeNull();
    expectRemoval(signOut.setCookies);
    expect(later.result).toBeNull();
    expectRemoval(later.setCookies);
  });

  it("a renewal in flight during setSession(null) does not restore the cookie", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const createdAt = Date.UTC(2026, 0, 1);
    vi.setSystemTime(createdAt);
    const session = await h.validSession();
    vi.setSystemTime(createdAt + DAY + 1);

    const { result, setCookies } = await driver.run(
      h.auth,
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

  it("a failing validation in flight during setSession(session) keeps its cookie", async () => {
    const user = await h.auth.createUser({ key: null, attributes: {} });
    const fresh = await h.auth.createSession({ userId: user.userId, attributes: {} });
    const stale = fresh.token!.replace(/^./, (c) => (c === "A" ? "B" : "A"));
    h.database.reset();

    const { result, setCookies } = await driver.run(
      h.auth,
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

  it("validateBearerToken() has its own cache and leaves the cookie alone", async () => {
    const cookieSession = await signedInSession(h.auth);
    const bearerSession = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
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
        const afterBearer = h.database.count;
        const cookie = await authRequest.validate();
        return { bearer, afterBearer, cookie, statements: h.database.count };
      },
    );

    expect(result.afterBearer).toBe(1);
    expect(result.bearer[0]?.sessionId).toBe(bearerSession.sessionId);
    expect(result.bearer[1]).toBe(result.bearer[0]);
    expect(result.cookie?.sessionId).toBe(cookieSession.sessionId);
    expect(result.statements).toBe(2);
    expect(setCookies).toEqual([]);
  });

  it("validateBearerToken() with an unknown token: null, no cookie removed", async () => {
    const session = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
      { headers: { ...cookieHeader(session.token!), authorization: "Bearer " + "x".repeat(32) } },
      async (authRequest) => [
        await authRequest.validateBearerToken(),
        await authRequest.validate(),
      ],
    );

    expect(result[0]).toBeNull();
    expect(result[1]?.sessionId).toBe(session.sessionId);
    expect(h.database.count).toBe(2);
    expect(setCookies).toEqual([]);
  });

  it("a cross-origin POST is signed out, and its cookie is kept", async () => {
    const session = await h.validSession();

    const { result, setCookies } = await driver.run(
      h.auth,
      {
        method: "POST",
        headers: { ...cookieHeader(session.token!), origin: "https://evil.example" },
      },
      (authRequest) => authRequest.validate(),
    );

    expect(result).toBeNull();
    expect(h.database.count).toBe(0);
    expect(setCookies).toEqual([]);
  });

  it("accepts the cookie of a same-origin POST", async () => {
    const session = await h.validSession();

    const { result } = await driver.run(
      h.auth,
      { method: "POST", headers: { ...cookieHeader(session.token!), origin: driver.origin() } },
      (authRequest) => authRequest.validate(),
    );

    expect(result?.sessionId).toBe(session.sessionId);
    expect(h.database.count).toBe(1);
  });

  it("writes Secure, SameSite, Domain and Path exactly as configured", async () => {
    const custom = h.withAuth({
      env: "PROD",
      sessionCookie: {
        name: "sid",
        attributes: { sameSite: "strict", domain: "example.test", path: "/app" },
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
          httponly: true,
          secure: true,
          samesite: "Strict",
        },
      },
    ]);
  });

  it("writes a configured Max-Age", async () => {
    const custom = h.withAuth({ sessionCookie: { attributes: { maxAge: 3600 } } });
    const user = await custom.createUser({ key: null, attributes: {} });

    const { result, setCookies } = await driver.run(custom, {}, async (authRequest) => {
      const session = await custom.createSession({ userId: user.userId, attributes: {} });
      authRequest.setSession(session);
      return session;
    });

    expect(setCookies).toHaveLength(1);
    const { attributes } = parseSetCookie(setCookies[0]!);
    expect(attributes["max-age"]).toBe("3600");
    // Browsers obey Max-Age over Expires (RFC 6265 section 5.3), and some frameworks (Qwik
    // City) write only Max-Age when both are given; where Expires is written, it is exact.
    if (attributes["expires"] !== undefined) {
      expect(attributes["expires"]).toBe(result.idlePeriodExpiresAt.toUTCString());
    }
  });
}

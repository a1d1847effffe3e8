import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import type { CsrfProtection } from "../../src/core/config.js";
import type { Cookie } from "../../src/core/cookie.js";
import { lucia as luciaMiddleware } from "../../src/middleware/lucia.js";
import { countedDatabase, createAuth, signedInSession, type CountedDatabase } from "./fixture.js";

const APP = "https://app.example.com";

describe("origin check on the session cookie", () => {
  let database: CountedDatabase;
  let token: string;
  let sessionId: string;
  let setCookies: string[];
  let refusals: string[];

  const authWith = (csrfProtection?: boolean | CsrfProtection): Auth<any> =>
    createAuth(database, {
      middleware: luciaMiddleware(),
      ...(csrfProtection !== undefined && { csrfProtection }),
      debug: (message: string) => refusals.push(message),
    });

  function request(
    auth: Auth<any>,
    method: string,
    headers: Record<string, string>,
    url = `${APP}/account`,
  ) {
    return auth.handleRequest({
      request: {
        method,
        url,
        headers: new Headers({ cookie: `auth_session=${token}`, ...headers }),
      },
      setCookie: (cookie: Cookie) => setCookies.push(cookie.serialize()),
    });
  }

  async function signedIn(auth: Auth<any>) {
    const session = await signedInSession(auth);
    token = session.token!;
    sessionId = session.sessionId;
    database.reset();
  }

  beforeEach(() => {
    database = countedDatabase();
    setCookies = [];
    refusals = [];
  });
  afterEach(() => database.close());

  it("accepts a POST from the request's own origin", async () => {
    const auth = authWith();
    await signedIn(auth);

    const session = await request(auth, "POST", { origin: APP }).validate();

    expect(session?.sessionId).toBe(sessionId);
    expect(database.count).toBe(1);
  });

  it("a cross-origin POST: signed out, no lookup, cookie kept", async () => {
    const auth = authWith();
    await signedIn(auth);

    const user = await request(auth, "POST", { origin: "https://evil.example" }).validateUser();

    expect(user).toEqual({ user: null, session: null });
    expect(database.count).toBe(0);
    expect(setCookies).toEqual([]);
    expect(refusals).toEqual([
      "session cookie ignored: Origin https://evil.example does not match host " +
        "app.example.com (see csrfProtection)",
    ]);
  });

  it("refuses a POST from the same host on another port", async () => {
    const auth = authWith();
    await signedIn(auth);

    expect(await request(auth, "POST", { origin: `${APP}:8443` }).validate()).toBeNull();
  });

  it("accepts a listed subdomain and refuses an unlisted one", async () => {
    const auth = authWith({ allowedSubDomains: ["admin"] });
    await signedIn(auth);

    const listed = await request(auth, "POST", {
      origin: "https://admin.app.example.com",
    }).validate();
    const unlisted = await request(auth, "POST", {
      origin: "https://shop.app.example.com",
    }).validate();

    expect(listed?.sessionId).toBe(sessionId);
    expect(unlisted).toBeNull();
  });

  it('accepts any subdomain with "*", but not a look-alike host', async () => {
    const auth = authWith({ allowedSubDomains: "*" });
    await signedIn(auth);

    const nested = await request(auth, "PUT", { origin: "https://a.b.app.example.com" }).validate();
    const lookAlike = await request(auth, "PUT", {
      origin: "https://evilapp.example.com",
    }).validate();

    expect(nested?.sessionId).toBe(sessionId);
    expect(lookAlike).toBeNull();
  });

  it("accepts a trusted origin (a split front-end) and refuses its other ports", async () => {
    const auth = authWith({ trustedOrigins: ["https://front.example.net"] });
    await signedIn(auth);

    const trusted = await request(auth, "DELETE", {
      origin: "https://front.example.net",
    }).validate();
    const otherPort = await request(auth, "DELETE", {
      origin: "https://front.example.net:444",
    }).validate();

    expect(trusted?.sessionId).toBe(sessionId);
    expect(otherPort).toBeNull();
  });

  it("compares with csrfProtection.host when the server sees an internal host", async () => {
    const auth = authWith({ host: "app.example.com" });
    await signedIn(auth);

    const session = await request(
      auth,
      "POST",
      { origin: APP },
      "http://10.0.0.7:3000/account",
    ).validate();

    expect(session?.sessionId).toBe(sessionId);
  });

  it.each([
    ["Origin: null", { origin: "null" }, "session cookie ignored: the request's Origin is null"],
    [
      "a garbage Origin",
      { origin: "::not a url::" },
      "session cookie ignored: the request's Origin is not a URL",
    ],
    ["no Origin", {}, "session cookie ignored: the request has no Origin header"],
  ])("treats a POST with %s as signed out, without throwing", async (_name, headers, reason) => {
    const auth = authWith();
    await signedIn(auth);

    const session = await request(auth, "POST", headers).validate();

    expect(session).toBeNull();
    expect(setCookies).toEqual([]);
    expect(refusals).toEqual([reason]);
  });

  it.each(["GET", "HEAD", "OPTIONS", "TRACE", "get"])(
    "accepts a %s request without an Origin header",
    async (method) => {
      const auth = authWith();
      await signedIn(auth);

      const session = await request(auth, method, {}).validate();

      expect(session?.sessionId).toBe(sessionId);
    },
  );

  it("skips the check with csrfProtection: false", async () => {
    const auth = authWith(false);
    await signedIn(auth);

    const session = await request(auth, "POST", { origin: "https://evil.example" }).validate();

    expect(session?.sessionId).toBe(sessionId);
  });

  it("does not apply to Bearer tokens, which browsers never send on their own", async () => {
    const auth = authWith();
    await signedIn(auth);

    const authRequest = request(auth, "POST", {
      origin: "https://evil.example",
      authorization: `Bearer ${token}`,
    });
    const bearer = await authRequest.validateBearerToken();
    const cookie = await authRequest.validate();

    expect(bearer?.sessionId).toBe(sessionId);
    expect(cookie).toBeNull();
    expect(database.count).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import type { Cookie } from "../../src/core/cookie.js";
import { lucia } from "../../src/middleware/lucia.js";
import { countedDatabase, createAuth, signedInSession } from "../request/fixture.js";
import { describeRequestHandling, type Driver } from "./request-suite.js";

const ORIGIN = "http://localhost:3000";

// Plain objects: `lucia()` is the middleware for frameworks we have no mapping for.
const driver: Driver = {
  middleware: lucia,
  origin: () => ORIGIN,
  async run(auth, request, handle) {
    const setCookies: string[] = [];
    const authRequest = auth.handleRequest({
      request: {
        method: request.method ?? "GET",
        url: `${ORIGIN}/account`,
        headers: new Headers(request.headers),
      },
      setCookie: (cookie: Cookie) => setCookies.push(cookie.serialize()),
    });
    return { result: await handle(authRequest), setCookies };
  },
};

describeRequestHandling("lucia()", driver);

describe("lucia()", () => {
  it("reads headers from any object with get(name), and a pre-parsed sessionCookie", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { env: "DEV", middleware: lucia() });
    const session = await signedInSession(auth);
    const names: string[] = [];
    const headers = {
      get: (name: string) => {
        names.push(name);
        return null;
      },
    };

    const fromField = await auth
      .handleRequest({
        request: { method: "GET", url: new URL(`${ORIGIN}/`), headers },
        sessionCookie: session.token!,
        setCookie: () => {},
      })
      .validate();

    expect(fromField?.sessionId).toBe(session.sessionId);
    expect(names).not.toContain("cookie");
    database.close();
  });

  it("hands setCookie the Cookie object, whose serialize() is the Set-Cookie value", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { env: "PROD", middleware: lucia() });
    const received: Cookie[] = [];

    auth
      .handleRequest({
        request: { method: "GET", url: `${ORIGIN}/`, headers: new Headers() },
        setCookie: (cookie) => received.push(cookie),
      })
      .setSession(null);

    expect(received).toHaveLength(1);
    expect(received[0]!.name).toBe("auth_session");
    expect(received[0]!.serialize()).toBe(
      "auth_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; " +
        "Secure; SameSite=Lax",
    );
    database.close();
  });
});

import { describe, expect, it } from "vitest";
import { web } from "../../src/middleware/web.js";
import {
  countedDatabase,
  createAuth,
  parseSetCookie,
  signedInSession,
} from "../request/fixture.js";
import { describeRequestHandling, type Driver } from "./request-suite.js";

const ORIGIN = "https://app.example";

// A real `Request`; the response's cookies are what getSetCookieHeaders() hands back.
const driver: Driver = {
  middleware: web,
  origin: () => ORIGIN,
  async run(auth, request, handle) {
    const authRequest = auth.handleRequest(
      new Request(`${ORIGIN}/account`, {
        method: request.method ?? "GET",
        headers: request.headers ?? {},
      }),
    );
    const result = await handle(authRequest);
    const response = new Response("ok");
    for (const value of authRequest.getSetCookieHeaders()) {
      response.headers.append("Set-Cookie", value);
    }
    return { result, setCookies: response.headers.getSetCookie() };
  },
};

describeRequestHandling("web()", driver);

describe("web()", () => {
  it("setSession() does not throw, and getSetCookieHeaders() gives the value to send", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: web() });
    const session = await signedInSession(auth);
    const authRequest = auth.handleRequest(new Request(`${ORIGIN}/`, { method: "POST" }));

    expect(authRequest.getSetCookieHeaders()).toEqual([]);
    expect(() => authRequest.setSession(session)).not.toThrow();
    const [header, ...rest] = authRequest.getSetCookieHeaders();
    database.close();

    expect(rest).toEqual([]);
    expect(header).toBe(auth.createSessionCookie(session, { secure: true }).serialize());
    expect(parseSetCookie(header!).attributes["secure"]).toBe(true);
  });

  it("gives the last choice only when setSession() is called twice", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: web() });
    const session = await signedInSession(auth);
    const authRequest = auth.handleRequest(new Request(`${ORIGIN}/`));

    authRequest.setSession(session);
    authRequest.setSession(null);
    const headers = authRequest.getSetCookieHeaders();
    database.close();

    expect(headers).toHaveLength(1);
    expect(parseSetCookie(headers[0]!).value).toBe("");
  });
});

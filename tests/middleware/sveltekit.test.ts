import type { RequestEvent, ServerLoadEvent } from "@sveltejs/kit";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { AuthRequest } from "../../src/core/request.js";
import { sveltekit, type SvelteKitEvent } from "../../src/middleware/sveltekit.js";
import {
  countedDatabase,
  createAuth,
  parseSetCookie,
  signedInSession,
} from "../request/fixture.js";
import { svelteKitCookies } from "./framework-cookies.js";
import { describeRequestHandling, type Driver } from "./request-suite.js";

const ORIGIN = "http://localhost:5173";

async function svelteKitEvent(
  init: RequestInit = {},
): Promise<{ event: SvelteKitEvent; setCookieHeaders: () => string[] }> {
  const url = new URL(`${ORIGIN}/account`);
  const request = new Request(url, init);
  const { cookies, setCookieHeaders } = await svelteKitCookies(request, url);
  return { event: { url, request, cookies }, setCookieHeaders };
}

// SvelteKit's own cookie jar; the Set-Cookie values are those its response would carry.
const driver: Driver = {
  middleware: sveltekit,
  origin: () => ORIGIN,
  async run(auth, request, handle) {
    const { event, setCookieHeaders } = await svelteKitEvent({
      method: request.method ?? "GET",
      headers: request.headers ?? {},
    });
    const result = await handle(auth.handleRequest(event));
    return { result, setCookies: setCookieHeaders() };
  },
};

describeRequestHandling("sveltekit()", driver);

describe("sveltekit()", () => {
  it("accepts SvelteKit's RequestEvent and ServerLoadEvent types", () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: sveltekit() });
    database.close();

    expectTypeOf(auth.handleRequest).parameter(0).toEqualTypeOf<SvelteKitEvent>();
    expectTypeOf<RequestEvent>().toExtend<SvelteKitEvent>();
    expectTypeOf<ServerLoadEvent>().toExtend<SvelteKitEvent>();
    const fromHook = (event: RequestEvent): AuthRequest => auth.handleRequest(event);
    expect(typeof fromHook).toBe("function");
  });

  it("writes Secure: false over http, overriding SvelteKit's default", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: sveltekit() });
    const session = await signedInSession(auth);
    const url = new URL("http://app.test/account");
    const request = new Request(url);
    const { cookies, setCookieHeaders } = await svelteKitCookies(request, url);

    auth.handleRequest({ url, request, cookies }).setSession(session);
    database.close();

    const cookie = parseSetCookie(setCookieHeaders()[0]!);
    expect(cookie.attributes["secure"]).toBeUndefined();
    expect(cookie.attributes["httponly"]).toBe(true);
    expect(cookie.attributes["path"]).toBe("/");
  });

  it("sees a session cookie set earlier in the same request through event.cookies", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: sveltekit() });
    const session = await signedInSession(auth);
    const { event } = await svelteKitEvent();

    auth.handleRequest(event).setSession(session);
    database.reset();
    const later = await auth.handleRequest(event).validate();
    const statements = database.count;
    database.close();

    expect(later?.sessionId).toBe(session.sessionId);
    expect(statements).toBe(1);
  });
});

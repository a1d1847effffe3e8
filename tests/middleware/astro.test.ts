import type { APIContext, AstroGlobal } from "astro";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { AuthRequest } from "../../src/core/request.js";
import { astro, type AstroContext } from "../../src/middleware/astro.js";
import { countedDatabase, createAuth, signedInSession } from "../request/fixture.js";
import { astroCookies } from "./framework-cookies.js";
import { describeRequestHandling, type Driver } from "./request-suite.js";

const ORIGIN = "http://localhost:4321";

async function astroContext(
  init: RequestInit = {},
): Promise<{ context: AstroContext; setCookieHeaders: () => string[] }> {
  const url = new URL(`${ORIGIN}/account`);
  const request = new Request(url, init);
  const { cookies, setCookieHeaders } = await astroCookies(request);
  return { context: { url, request, cookies }, setCookieHeaders };
}

// Astro's own cookie jar; the Set-Cookie values are those its response would carry.
const driver: Driver = {
  middleware: astro,
  origin: () => ORIGIN,
  async run(auth, request, handle) {
    const { context, setCookieHeaders } = await astroContext({
      method: request.method ?? "GET",
      headers: request.headers ?? {},
    });
    const result = await handle(auth.handleRequest(context));
    return { result, setCookies: setCookieHeaders() };
  },
};

describeRequestHandling("astro()", driver);

describe("astro()", () => {
  it("accepts Astro's APIContext and the Astro global", () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: astro() });
    database.close();

    expectTypeOf(auth.handleRequest).parameter(0).toEqualTypeOf<AstroContext>();
    expectTypeOf<APIContext>().toExtend<AstroContext>();
    expectTypeOf<AstroGlobal>().toExtend<AstroContext>();
    const fromEndpoint = (context: APIContext): AuthRequest => auth.handleRequest(context);
    expect(typeof fromEndpoint).toBe("function");
  });

  it("sees a session cookie set earlier in the same request through context.cookies", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: astro() });
    const session = await signedInSession(auth);
    const { context } = await astroContext();

    auth.handleRequest(context).setSession(session);
    database.reset();
    const later = await auth.handleRequest(context).validate();
    const statements = database.count;
    database.close();

    expect(later?.sessionId).toBe(session.sessionId);
    expect(statements).toBe(1);
  });
});

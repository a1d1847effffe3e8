import createExpressApp from "express";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { express } from "../../src/middleware/express.js";
import {
  countedDatabase,
  createAuth,
  parseSetCookie,
  signedInSession,
} from "../request/fixture.js";
import { httpDriver } from "./http-driver.js";
import { describeRequestHandling } from "./request-suite.js";

function expressServer(
  configure: (app: ReturnType<typeof createExpressApp>) => void,
  dispatch: Parameters<Parameters<typeof httpDriver>[1]>[0],
) {
  const app = createExpressApp();
  configure(app);
  app.all("/{*path}", (request, response) => void dispatch(request, response));
  return createServer(app);
}

// `res.cookie()` writes a cookie of the application's before ours: it must survive.
const driver = httpDriver(
  express,
  (dispatch) => expressServer(() => {}, dispatch),
  (response) => void (response as import("express").Response).cookie("theme", "dark"),
);

describeRequestHandling("express()", {
  ...driver,
  run: async (auth, request, handle) => {
    const outcome = await driver.run(auth, request, handle);
    expect(outcome.setCookies[0]).toBe("theme=dark; Path=/");
    return { ...outcome, setCookies: outcome.setCookies.slice(1) };
  },
});

describe("express()", () => {
  it("uses X-Forwarded-Proto and -Host when the app trusts its proxy", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: express() });
    const session = await signedInSession(auth);
    const proxied = httpDriver(express, (dispatch) =>
      expressServer((app) => app.set("trust proxy", "loopback"), dispatch),
    );
    await proxied.start!();

    const { result, setCookies } = await proxied.run(
      auth,
      {
        method: "POST",
        headers: {
          cookie: `auth_session=${session.token}`,
          origin: "https://shop.example",
          "x-forwarded-proto": "https",
          "x-forwarded-host": "shop.example",
        },
      },
      async (authRequest) => {
        const validated = await authRequest.validate();
        authRequest.setSession(session);
        return validated;
      },
    );
    await proxied.stop!();
    database.close();

    expect(result?.sessionId).toBe(session.sessionId);
    expect(parseSetCookie(setCookies[0]!).attributes["secure"]).toBe(true);
  });

  it("ignores X-Forwarded-Host when the app does not trust a proxy", async () => {
    const database = countedDatabase();
    const auth = createAuth(database, { middleware: express() });
    const session = await signedInSession(auth);
    const direct = httpDriver(express, (dispatch) => expressServer(() => {}, dispatch));
    await direct.start!();

    const { result } = await direct.run(
      auth,
      {
        method: "POST",
        headers: {
          cookie: `auth_session=${session.token}`,
          origin: "https://shop.example",
          "x-forwarded-host": "shop.example",
        },
      },
      (authRequest) => authRequest.validate(),
    );
    await direct.stop!();
    database.close();

    expect(result).toBeNull();
  });
});

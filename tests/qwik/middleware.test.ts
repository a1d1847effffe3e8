import type { RequestEventBase } from "@builder.io/qwik-city";
import { describe, expect, it } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import { AUTH_REQUEST_KEY as CORE_KEY } from "../../src/core/request.js";
import { qwik } from "../../src/middleware/qwik.js";
import { AUTH_REQUEST_KEY } from "../../src/qwik/auth-request.js";
import {
  countedDatabase,
  createAuth,
  parseSetCookie,
  signedInSession,
} from "../request/fixture.js";
import { describeRequestHandling, type Driver } from "../middleware/request-suite.js";
import { ORIGIN, send } from "./harness.js";
import { pendingWork } from "./registry.js";

let nextWork = 0;

/** Runs `work` inside a real Qwik City request (tests/qwik/routes/driver). */
async function inQwikRequest<T>(
  request: { method?: string; headers?: Record<string, string> },
  work: (event: RequestEventBase) => Promise<T>,
): Promise<{ result: T; setCookies: string[]; status: number }> {
  const id = `work-${++nextWork}`;
  let result: T | undefined;
  pendingWork.set(id, async (event) => {
    result = await work(event as RequestEventBase);
  });
  try {
    // Qwik City's own origin check is off here, so the core's check is what the suite sees.
    const response = await send(
      "/driver/",
      { method: request.method ?? "GET", headers: { ...request.headers, "x-test-work": id } },
      { checkOrigin: false },
    );
    return { result: result as T, setCookies: response.setCookies, status: response.status };
  } finally {
    pendingWork.delete(id);
  }
}

const driver: Driver = {
  middleware: qwik,
  origin: () => ORIGIN,
  async run(auth, request, handle) {
    const { result, setCookies } = await inQwikRequest(request, (event) =>
      handle(auth.handleRequest(event)),
    );
    return { result, setCookies };
  },
};

describeRequestHandling("qwik() through Qwik City's requestHandler", driver);

describe("qwik() in Qwik City", () => {
  async function setUp(): Promise<{ auth: Auth<any>; token: string; close: () => void }> {
    const database = countedDatabase();
    const auth = createAuth(database, { env: "DEV" });
    const session = await signedInSession(auth);
    return { auth, token: session.token!, close: () => database.close() };
  }

  it("gives every handler of one request the same AuthRequest, kept in sharedMap", async () => {
    const { auth, close } = await setUp();

    const { result } = await inQwikRequest({}, async (event) => {
      const first = auth.handleRequest(event);
      return [first, auth.handleRequest(event), event.sharedMap.get(AUTH_REQUEST_KEY)];
    });
    close();

    expect(result[1]).toBe(result[0]);
    expect(result[2]).toBe(result[0]);
    expect(AUTH_REQUEST_KEY).toBe(CORE_KEY);
  });

  it("writes the session cookie with Path=/ through event.cookie", async () => {
    const { auth, close } = await setUp();
    const user = await auth.createUser({ key: null, attributes: {} });

    const { setCookies } = await inQwikRequest({ method: "POST" }, async (event) => {
      const session = await auth.createSession({ userId: user.userId, attributes: {} });
      auth.handleRequest(event).setSession(session);
    });
    close();

    expect(setCookies).toHaveLength(1);
    const cookie = parseSetCookie(setCookies[0]!);
    expect(cookie.name).toBe("auth_session");
    expect(cookie.attributes["path"]).toBe("/");
    expect(cookie.attributes["httponly"]).toBe(true);
  });

  it("removes the cookie with Path=/ so the browser drops the one it holds", async () => {
    const { auth, token, close } = await setUp();

    const { setCookies } = await inQwikRequest(
      { method: "POST", headers: { cookie: `auth_session=${token}`, origin: ORIGIN } },
      async (event) => auth.handleRequest(event).setSession(null),
    );
    close();

    const cookie = parseSetCookie(setCookies[0]!);
    expect(cookie.value).toBe("");
    expect(cookie.attributes["path"]).toBe("/");
  });

  it("compares Origin with event.url's origin: the request's own origin keeps the cookie", async () => {
    const { auth, token, close } = await setUp();
    const headers = { cookie: `auth_session=${token}`, "content-type": "application/json" };

    const same = await inQwikRequest(
      { method: "POST", headers: { ...headers, origin: ORIGIN } },
      (event) => auth.handleRequest(event).validate(),
    );
    const other = await inQwikRequest(
      { method: "POST", headers: { ...headers, origin: "http://other.test" } },
      (event) => auth.handleRequest(event).validate(),
    );
    close();

    expect(same.result).not.toBeNull();
    expect(other.result).toBeNull();
  });

  it("leaves cross-origin form posts to Qwik City, which refuses them before our code", async () => {
    const { auth, token, close } = await setUp();
    let ran = false;
    const id = "work-refused";
    pendingWork.set(id, async (event) => {
      ran = true;
      await auth.handleRequest(event as RequestEventBase).validate();
    });

    const response = await send("/driver/", {
      method: "POST",
      headers: {
        cookie: `auth_session=${token}`,
        origin: "http://evil.test",
        "content-type": "application/x-www-form-urlencoded",
        "x-test-work": id,
      },
      body: "a=1",
    });
    pendingWork.delete(id);
    close();

    expect(response.status).toBe(403);
    expect(ran).toBe(false);
    expect(response.setCookies).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import type { Session } from "../../src/core/types.js";
import { safeRedirectTo } from "../../src/qwik/index.js";
import {
  countedDatabase,
  createAuth,
  DAY,
  parseSetCookie,
  signedInSession,
  type CountedDatabase,
} from "../request/fixture.js";
import { idOf, ORIGIN, send, submit } from "./harness.js";
import { AUTH_HEADER, registerAuth } from "./registry.js";
import * as account from "./routes/account/index.js";
import * as guarded from "./routes/guarded/index.js";
import * as loaders from "./routes/loaders/index.js";

let database: CountedDatabase;
let auth: Auth<any>;
let authId: string;

beforeEach(() => {
  database = countedDatabase();
  auth = createAuth(database, { env: "DEV" });
  authId = registerAuth(auth);
});
afterEach(() => {
  vi.useRealTimers();
  database.close();
});

async function signedIn(): Promise<Session> {
  const session = await signedInSession(auth);
  database.reset();
  return session;
}

const withCookie = (token: string, extra: Record<string, string> = {}) => ({
  [AUTH_HEADER]: authId,
  cookie: `auth_session=${token}`,
  ...extra,
});

function loaderValues(data: any) {
  return {
    state: data.loaders[idOf(loaders.useAuthLoader)],
    userId: data.loaders[idOf(loaders.useUserId)],
    sessionId: data.loaders[idOf(loaders.useSessionId)],
    signedIn: data.loaders[idOf(loaders.useSignedIn)],
  };
}

describe("loaders through Qwik City's requestHandler", () => {
  it("four loaders reading the session cost one database query", async () => {
    const session = await signedIn();

    const response = await send("/loaders/q-data.json", { headers: withCookie(session.token!) });

    expect(response.status).toBe(200);
    expect(database.count).toBe(1);
    const values = loaderValues(response.data);
    expect(values.state.user.userId).toBe(session.userId);
    expect(values.state.session.sessionId).toBe(session.sessionId);
    expect(values.userId).toBe(session.userId);
    expect(values.sessionId).toBe(session.sessionId);
    expect(values.signedIn).toBe(true);
  });

  it("useAuthLoader sends the user and session to the browser, never the token", async () => {
    const session = await signedIn();

    const response = await send("/loaders/q-data.json", { headers: withCookie(session.token!) });

    expect(response.body).not.toContain(session.token!);
    expect(loaderValues(response.data).state.session.token).toBeUndefined();
  });

  it("useAuthLoader answers nulls, with no database query, when nobody is signed in", async () => {
    database.reset();

    const response = await send("/loaders/q-data.json", { headers: { [AUTH_HEADER]: authId } });

    expect(loaderValues(response.data).state).toEqual({ user: null, session: null });
    expect(database.count).toBe(0);
  });

  it("marks responses built from a session Cache-Control: private, no-store", async () => {
    const session = await signedIn();

    const response = await send("/loaders/q-data.json", { headers: withCookie(session.token!) });

    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("renews an idle session in the plugin, so the new cookie is written before streaming", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    vi.setSystemTime(start);
    const session = await signedIn();
    vi.setSystemTime(start + DAY + 1000);

    const response = await send("/loaders/q-data.json", { headers: withCookie(session.token!) });

    expect(response.setCookies).toHaveLength(1);
    const cookie = parseSetCookie(response.setCookies[0]!);
    expect(cookie.value).toBe(session.token);
    expect(new Date(String(cookie.attributes["expires"])).getTime()).toBeGreaterThan(
      session.idlePeriodExpiresAt.getTime(),
    );
  });

  it("routeAuthLoader$ with requireUser redirects a signed-out visitor with redirectTo", async () => {
    const response = await send("/account/q-data.json", { headers: { [AUTH_HEADER]: authId } });

    // Qwik City points a data request's redirect at the target's own data.
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login/q-data.json?redirectTo=%2Faccount%2F");
  });

  it("answers 503 when the session store fails, and keeps the session cookie", async () => {
    const session = await signedIn();
    database.breakSessions();

    const page = await send("/loaders/", {
      headers: withCookie(session.token!, { accept: "text/html" }),
    });
    const api = await send("/api/me", { headers: withCookie(session.token!) });
    database.recover();
    const retried = await send("/api/me", { headers: withCookie(session.token!) });

    expect(page.status).toBe(503);
    expect(page.body).toContain("temporarily unavailable");
    expect(page.setCookies).toEqual([]);
    expect(api.status).toBe(503);
    expect(api.data.error).toBe("database_unavailable");
    expect(api.setCookies).toEqual([]);
    expect(retried.status).toBe(200);
  });

  it("tells which file to add when the plugin is missing", async () => {
    const session = await signedIn();

    const response = await send("/api/me", {
      headers: { cookie: `auth_session=${session.token}` },
    });

    expect(response.status).toBe(500);
    expect(String(response.error)).toContain("src/routes/plugin@auth.ts");
  });
});

describe("actions through Qwik City's requestHandler", () => {
  it("an action that signs in is seen by the loaders of the same request", async () => {
    const user = await auth.createUser({ key: null, attributes: {} });

    const response = await submit(
      "/loaders",
      idOf(loaders.useSignIn),
      { userId: user.userId },
      { [AUTH_HEADER]: authId },
    );

    expect(response.status).toBe(200);
    const values = loaderValues(response.data);
    expect(values.state.user.userId).toBe(user.userId);
    expect(values.userId).toBe(user.userId);
    expect(values.signedIn).toBe(true);
    const cookie = parseSetCookie(response.setCookies[0]!);
    expect(cookie.name).toBe("auth_session");
    expect(cookie.attributes["path"]).toBe("/");
  });

  it("an action that signs out is seen by the loaders of the same request", async () => {
    const session = await signedIn();

    const response = await submit(
      "/loaders",
      idOf(loaders.useSignOut),
      {},
      withCookie(session.token!),
    );

    expect(loaderValues(response.data).state).toEqual({ user: null, session: null });
    expect(parseSetCookie(response.setCookies[0]!).value).toBe("");
    await expect(auth.getSession(session.sessionId)).rejects.toThrow("AUTH_INVALID_SESSION_ID");
  });

  it("gives each action its own id, so a form runs its own action", async () => {
    const ids = [
      idOf(loaders.useSignIn),
      idOf(loaders.useSignOut),
      idOf(loaders.useMustBeSignedIn),
      idOf(loaders.useMustBeSignedInOrGo),
      idOf(account.useRenamed),
    ];
    const session = await signedIn();

    const response = await submit(
      "/loaders",
      idOf(loaders.useSignOut),
      {},
      withCookie(session.token!),
    );

    expect(new Set(ids).size).toBe(ids.length);
    expect(response.data.loaders[idOf(loaders.useSignOut)]).toEqual({ signedOut: true });
    expect(response.data.loaders[idOf(loaders.useSignIn)]).toBeUndefined();
  });

  it("gives each routeAuthLoader$ its own id", () => {
    const ids = [idOf(loaders.useUserId), idOf(loaders.useSessionId), idOf(account.useAccount)];

    expect(new Set(ids).size).toBe(ids.length);
  });

  it("requireUser answers fail(401) with a message when nobody is signed in", async () => {
    const response = await submit(
      "/loaders",
      idOf(loaders.useMustBeSignedIn),
      {},
      {
        [AUTH_HEADER]: authId,
      },
    );

    expect(response.status).toBe(401);
    const value = response.data.loaders[idOf(loaders.useMustBeSignedIn)];
    expect(value.failed).toBe(true);
    expect(value.message).toMatch(/sign in/i);
  });

  it("requireUser runs the action for a signed-in user", async () => {
    const session = await signedIn();

    const response = await submit(
      "/loaders",
      idOf(loaders.useMustBeSignedIn),
      {},
      withCookie(session.token!),
    );

    expect(response.data.loaders[idOf(loaders.useMustBeSignedIn)]).toEqual({
      userId: session.userId,
    });
  });

  it("requireUser with signInPath redirects to sign in, with redirectTo back to the page", async () => {
    const response = await submit(
      "/loaders",
      idOf(loaders.useMustBeSignedInOrGo),
      {},
      {
        [AUTH_HEADER]: authId,
      },
    );

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(
      /^\/login\/(q-data\.json)?\?redirectTo=%2Floaders%2F$/,
    );
  });

  it("composes with zod$: field errors come back with status 400", async () => {
    const session = await signedIn();
    const headers = withCookie(session.token!);

    const short = await submit("/account", idOf(account.useRenamed), { name: "ab" }, headers);
    const valid = await submit("/account", idOf(account.useRenamed), { name: "abc" }, headers);

    expect(short.status).toBe(400);
    expect(short.data.loaders[idOf(account.useRenamed)].fieldErrors.name).toBe(
      "Use at least 3 characters.",
    );
    expect(valid.data.loaders[idOf(account.useRenamed)]).toEqual({ name: "abc" });
  });
});

describe("guards through Qwik City's requestHandler", () => {
  it("requireUser answers a JSON 401 with a message when there is no session", async () => {
    const response = await send("/api/me", { headers: { [AUTH_HEADER]: authId } });

    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.data.message).toMatch(/Bearer/);
  });

  it("requireUser accepts the session cookie", async () => {
    const session = await signedIn();

    const response = await send("/api/me", { headers: withCookie(session.token!) });

    expect(response.status).toBe(200);
    expect(response.data).toEqual({ userId: session.userId, sessionId: session.sessionId });
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("requireUser accepts an Authorization: Bearer token", async () => {
    const session = await signedIn();

    const response = await send("/api/me", {
      headers: { [AUTH_HEADER]: authId, authorization: `Bearer ${session.token}` },
    });

    expect(response.status).toBe(200);
    expect(response.data.sessionId).toBe(session.sessionId);
    expect(response.setCookies).toEqual([]);
  });

  it("protect() redirects a page request to sign in with redirectTo (302 after GET)", async () => {
    const response = await send("/guarded/?tab=2", {
      headers: { [AUTH_HEADER]: authId, accept: "text/html" },
    });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fguarded%2F%3Ftab%3D2");
  });

  it("protect() redirects a form POST with 303, back to the page without the action id", async () => {
    const response = await send(`/guarded/?qaction=${idOf(guarded.useSave)}`, {
      method: "POST",
      headers: {
        [AUTH_HEADER]: authId,
        accept: "text/html",
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "a=1",
    });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fguarded%2F");
  });

  it("protect() answers a JSON 401 to requests that are not for a page", async () => {
    const response = await send("/guarded/", {
      headers: { [AUTH_HEADER]: authId, accept: "application/json" },
    });

    expect(response.status).toBe(401);
    expect(response.data.error).toBe("unauthorized");
  });

  it("protect() lets a signed-in user through, marked private", async () => {
    const session = await signedIn();

    const response = await send("/guarded/q-data.json", { headers: withCookie(session.token!) });

    expect(response.status).toBe(200);
    expect(response.data.redirect).toBeUndefined();
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("safeRedirectTo", () => {
  it.each(["/profile", "/profile?tab=2#top", "/a/b/../c", "/%2F%2Fevil"])(
    "keeps the same-site path %s",
    (path) => {
      expect(safeRedirectTo(path, "fallback").startsWith("/")).toBe(true);
      expect(safeRedirectTo(path, "fallback")).not.toBe("fallback");
    },
  );

  it.each([
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    " /profile",
    "/" + "a".repeat(3000),
  ])("refuses %j", (path) => {
    expect(safeRedirectTo(path, "fallback")).toBe("fallback");
  });

  it("refuses values that are not strings", () => {
    expect(safeRedirectTo(undefined)).toBe("/");
    expect(safeRedirectTo(["/a"])).toBe("/");
  });
});

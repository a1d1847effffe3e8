import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import { lucia } from "../../src/index.js";
import { readCookie } from "../../src/core/cookie.js";

function openAuth(config: Partial<Parameters<typeof lucia>[0]> = {}) {
  const db = new Database(":memory:");
  db.exec(sqliteSchema());
  return lucia({ adapter: sqlite(db), ...config });
}

async function newSession(auth: ReturnType<typeof openAuth>) {
  const user = await auth.createUser({ key: null, attributes: {} });
  return auth.createSession({ userId: user.userId, attributes: {} });
}

describe("createSessionCookie", () => {
  it("writes the token with HttpOnly, SameSite=Lax, Path=/ and the idle expiry", async () => {
    const auth = openAuth({ env: "PROD" });
    const session = await newSession(auth);

    const cookie = auth.createSessionCookie(session);

    expect(cookie.name).toBe("auth_session");
    expect(cookie.value).toBe(session.token);
    expect(cookie.serialize()).toBe(
      `auth_session=${session.token}; Path=/; ` +
        `Expires=${session.idlePeriodExpiresAt.toUTCString()}; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  it("leaves Secure out in DEV and puts it in when env is absent", async () => {
    const dev = openAuth({ env: "DEV" });
    const unset = openAuth();

    expect(dev.createSessionCookie(await newSession(dev)).attributes.secure).toBe(false);
    expect(unset.createSessionCookie(await newSession(unset)).attributes.secure).toBe(true);
  });

  it("merges configured attributes over the defaults", async () => {
    const auth = openAuth({
      env: "PROD",
      sessionCookie: { name: "sid", attributes: { sameSite: "strict", domain: "example.com" } },
    });

    const cookie = auth.createSessionCookie(await newSession(auth));

    expect(cookie.name).toBe("sid");
    expect(cookie.attributes).toMatchObject({
      httpOnly: true,
      path: "/",
      sameSite: "strict",
      domain: "example.com",
      secure: true,
    });
  });

  it("writes a browser-session cookie when expires is false", async () => {
    const auth = openAuth({ sessionCookie: { expires: false } });

    const cookie = auth.createSessionCookie(await newSession(auth));

    expect(cookie.attributes.expires).toBeUndefined();
    expect(cookie.serialize()).not.toMatch(/Expires|Max-Age/);
  });

  it("for null writes an empty cookie that expires at once", () => {
    const auth = openAuth({ env: "DEV" });

    const cookie = auth.createSessionCookie(null);

    expect(cookie.value).toBe("");
    expect(cookie.serialize()).toBe(
      "auth_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax",
    );
  });

  it("refuses a session without its token, with a message saying why", async () => {
    const auth = openAuth();
    const session = await newSession(auth);
    const listed = await auth.getSession(session.sessionId);

    expect(() => auth.createSessionCookie(listed)).toThrow(/AUTH_INVALID_SESSION_ID: .*token/);
  });

  it("keeps the token out of JSON and spreads", async () => {
    const auth = openAuth();
    const session = await newSession(auth);

    expect(JSON.stringify(session)).not.toContain(session.token);
    expect({ ...session }).not.toHaveProperty("token");
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe("readSessionCookie", () => {
  const auth = openAuth();
  const token = "abcdefghijklmnopqrstuvwxyzABCDEF";

  it("finds the session cookie among others", () => {
    expect(auth.readSessionCookie(`a=1; auth_session=${token}; b=2`)).toBe(token);
    expect(auth.readSessionCookie(`auth_session="${token}"`)).toBe(token);
  });

  it("returns null for missing or malformed input without throwing", () => {
    const inputs = [
      null,
      undefined,
      "",
      ";;;",
      "auth_session",
      "auth_session=",
      "auth_session=%zz%",
      "auth_session=short",
      `xauth_session=${token}`,
      "=;=;=",
      "\u0000\uffff",
    ];
    for (const header of inputs) expect(auth.readSessionCookie(header)).toBeNull();
  });

  it("reads the first of two same-named cookies", () => {
    expect(readCookie("a=1; a=2", "a")).toBe("1");
  });
});

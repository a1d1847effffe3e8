import Database from "better-sqlite3";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sqlite } from "../../src/adapters/sqlite.js";
import { lucia } from "../../src/core/auth.js";
import { node } from "../../src/middleware/index.js";
import { countedDatabase, DAY, type CountedDatabase } from "../request/fixture.js";

/** Counts every row actually written to the session table, whoever writes it. */
function countSessionWrites(db: Database.Database): () => number {
  db.exec(`
    CREATE TABLE renewal_log (id INTEGER PRIMARY KEY);
    CREATE TRIGGER log_session_update AFTER UPDATE ON user_session
    BEGIN INSERT INTO renewal_log (id) VALUES (NULL); END;
  `);
  const count = db.prepare("SELECT count(*) AS n FROM renewal_log");
  return () => (count.get() as { n: number }).n;
}

/** A real server: GET validates, POST /sign-out invalidates the session and removes the cookie. */
async function startServer(db: Database.Database): Promise<{ server: Server; url: string }> {
  const auth = lucia({ adapter: sqlite(db), middleware: node(), env: "DEV" });
  const server = createServer(async (request, response) => {
    const authRequest = auth.handleRequest(request, response);
    const session = await authRequest.validate();
    if (request.method === "POST" && session) {
      await auth.invalidateSession(session.sessionId);
      authRequest.setSession(null);
    }
    response.end(session ? "signed in" : "signed out");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("concurrency", () => {
  let database: CountedDatabase;
  const servers: Server[] = [];

  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    servers.length = 0;
    database.close();
  });

  async function idleSession(): Promise<{ token: string; sessionId: string }> {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    const auth = lucia({ adapter: sqlite(database.db) });
    const user = await auth.createUser({ key: null, attributes: {} });
    const session = await auth.createSession({ userId: user.userId, attributes: {} });
    vi.setSystemTime(start + DAY + 60_000);
    return { token: session.token!, sessionId: session.sessionId };
  }

  it("100 parallel requests with one idle session are all signed in, with one renewal write", async () => {
    database = countedDatabase();
    const writes = countSessionWrites(database.db);
    const { token } = await idleSession();
    const { server, url } = await startServer(database.db);
    servers.push(server);

    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(url, { headers: { cookie: `auth_session=${token}` } }),
      ),
    );
    const bodies = await Promise.all(responses.map((response) => response.text()));

    expect(new Set(bodies)).toEqual(new Set(["signed in"]));
    expect(writes()).toBe(1);
    const renewalCookies = responses.filter((response) =>
      response.headers.getSetCookie().some((cookie) => cookie.startsWith(`auth_session=${token}`)),
    );
    expect(renewalCookies.length).toBeGreaterThan(0);
  });

  it("two servers on one database renew one idle session with one write between them", async () => {
    database = countedDatabase();
    const writes = countSessionWrites(database.db);
    const { token } = await idleSession();
    const a = await startServer(new Database(database.file));
    const b = await startServer(new Database(database.file));
    servers.push(a.server, b.server);

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(i % 2 ? a.url : b.url, { headers: { cookie: `auth_session=${token}` } }),
      ),
    );
    const bodies = await Promise.all(responses.map((response) => response.text()));

    expect(new Set(bodies)).toEqual(new Set(["signed in"]));
    expect(writes()).toBe(1);
  });

  it("a sign-out racing 100 renewals is never undone", async () => {
    database = countedDatabase();
    const { token, sessionId } = await idleSession();
    const { server, url } = await startServer(database.db);
    servers.push(server);
    const finished: { signOut: boolean; setsToken: boolean }[] = [];
    const send = async (method: "GET" | "POST") => {
      const response = await fetch(url, {
        method,
        headers: { cookie: `auth_session=${token}`, origin: url },
      });
      await response.text();
      const setsToken = response.headers
        .getSetCookie()
        .some((cookie) => cookie.startsWith(`auth_session=${token}`));
      finished.push({ signOut: method === "POST", setsToken });
    };

    await Promise.all([
      ...Array.from({ length: 50 }, () => send("GET")),
      send("POST"),
      ...Array.from({ length: 50 }, () => send("GET")),
    ]);
    const after = await fetch(url, { headers: { cookie: `auth_session=${token}` } });

    expect(database.db.prepare("SELECT id FROM user_session WHERE id = ?").get(sessionId)).toBe(
      undefined,
    );
    const signOutAt = finished.findIndex((entry) => entry.signOut);
    expect(finished.slice(signOutAt + 1).filter((entry) => entry.setsToken)).toEqual([]);
    expect(await after.text()).toBe("signed out");
  });
});

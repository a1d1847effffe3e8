import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, removeKeys, testPrefix } from "../support/redis.js";
import { POSTGRES_URL, REDIS_URL, requireService } from "../support/services.js";
import { ensureExampleAppBuilt, startAppServer, type AppServer } from "../support/example-app.js";
import {
  CookieClient,
  formAction,
  me as meAt,
  PASSWORD,
  signIn,
  signUp,
  type Me,
} from "./app-client.js";

const postgresService = await requireService("PostgreSQL");
const redisService = await requireService("Redis");

// Both instances serve one public origin, as behind a proxy: Qwik City's CSRF check and ours
// compare a POST's `Origin` with it, whichever instance answers.
const PUBLIC_ORIGIN = "http://app.example.test";
// Sessions turn idle (and are renewed on use) this long after a sign-in or a renewal.
const ACTIVE_PERIOD_MS = 2_000;
let counter = 0;
const uniqueName = (): string => `many${Date.now().toString(36)}${++counter}`;

const me = (client: CookieClient, server: AppServer): Promise<Response> => meAt(client, server.url);

async function signedUp(client: CookieClient, server: AppServer, name: string): Promise<void> {
  expect((await signUp(client, server.url, name)).status).toBe(303);
}

async function signedIn(client: CookieClient, server: AppServer, name: string): Promise<void> {
  expect((await signIn(client, server.url, name)).status).toBe(303);
  expect(client.session).toBeDefined();
}

/** The user and session ids in the SQL store: a PostgreSQL schema or a SQLite file. */
async function sqlRows(
  store: { schema: string } | { file: string },
): Promise<{ users: string[]; sessions: string[] }> {
  const ids = (rows: { id: string }[]): string[] => rows.map((row) => row.id);
  if ("file" in store) {
    const db = new Database(store.file, { readonly: true });
    const users = db.prepare(`SELECT id FROM "user"`).all() as { id: string }[];
    const sessions = db.prepare(`SELECT id FROM user_session`).all() as { id: string }[];
    db.close();
    return { users: ids(users), sessions: ids(sessions) };
  }
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  const users = await pool.query<{ id: string }>(`SELECT id FROM "${store.schema}".auth_user`);
  const sessions = await pool.query<{ id: string }>(
    `SELECT id FROM "${store.schema}".user_session`,
  );
  await pool.end();
  return { users: ids(users.rows), sessions: ids(sessions.rows) };
}

/** A new user, signed in on `server` with a client of its own. */
async function signedInUser(server: AppServer): Promise<{ client: CookieClient; name: string }> {
  const name = uniqueName();
  await signedUp(new CookieClient(PUBLIC_ORIGIN), server, name);
  const client = new CookieClient(PUBLIC_ORIGIN);
  await signedIn(client, server, name);
  return { client, name };
}

/** Where the two instances keep users and sessions. */
interface StoreSetup {
  name: string;
  postgres: boolean;
  redis: boolean;
}

function runManyServers(stores: StoreSetup): void {
  describe(`two example-app servers on ${stores.name}`, () => {
    let a: AppServer;
    let b: AppServer;
    const schema = `qwik_lucia_deploy_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const prefix = testPrefix();
    const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-deploy-"));
    let redis: Redis | undefined;

    beforeAll(async () => {
      ensureExampleAppBuilt();
      const env: Record<string, string> = {
        ORIGIN: PUBLIC_ORIGIN,
        SESSION_ACTIVE_PERIOD_MS: String(ACTIVE_PERIOD_MS),
        // Both instances on one machine share the file when there is no PostgreSQL.
        DATABASE_PATH: join(directory, "app.db"),
        ...(stores.postgres && { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }),
        ...(stores.redis && { REDIS_URL, REDIS_PREFIX: prefix }),
      };
      // Started together: each creates the schema on start, under a lock.
      [a, b] = await Promise.all([startAppServer(env), startAppServer(env)]);
      if (stores.redis) redis = connectRedis();
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      if (stores.postgres) {
        const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
      if (redis) {
        await removeKeys(redis, prefix);
        redis.disconnect();
      }
      rmSync(directory, { recursive: true, force: true });
    });

    it("a session started on A is signed in on B", async () => {
      const { client, name } = await signedInUser(a);

      const response = await me(client, b);

      expect(response.status).toBe(200);
      expect(((await response.json()) as Me).user.username).toBe(name);
    });

    it("keeps users and sessions in the stores the environment names", async () => {
      const { client } = await signedInUser(a);
      const { user, session } = (await (await me(client, b)).json()) as Me;

      const sql = await sqlRows(stores.postgres ? { schema } : { file: join(directory, "app.db") });
      const inRedis = redis ? await redis.exists(`${prefix}session:${session.sessionId}`) : 0;

      expect(sql.users).toContain(user.userId);
      expect(sql.sessions.includes(session.sessionId)).toBe(!stores.redis);
      expect(inRedis).toBe(stores.redis ? 1 : 0);
    });

    it("a renewal on B is the expiry A sees", async () => {
      const { client } = await signedInUser(a);
      const before = (await (await me(client, a)).json()) as Me;
      // Real time must pass in the servers' processes: the session turns idle.
      await new Promise((resolve) => setTimeout(resolve, ACTIVE_PERIOD_MS + 100));

      const renewed = await me(client, b);
      const onB = (await renewed.json()) as Me;
      const seen = await me(client, a);
      const onA = (await seen.json()) as Me;

      expect(renewed.headers.getSetCookie().join()).toContain("auth_session=");
      expect(Date.parse(onB.session.expiresAt)).toBeGreaterThan(
        Date.parse(before.session.expiresAt),
      );
      expect(seen.status).toBe(200);
      expect(onA.session.expiresAt).toBe(onB.session.expiresAt);
      expect(seen.headers.getSetCookie()).toEqual([]);
    });

    it("signing out on B: A refuses that cookie on its very next request", async () => {
      const { client } = await signedInUser(a);
      const token = client.session;
      expect((await me(client, a)).status).toBe(200);

      const page = await (await client.get(b.url, "/sign-out/")).text();
      const signedOut = await client.post(b.url, `/sign-out/${formAction(page)}`, {});
      const stale = new CookieClient(PUBLIC_ORIGIN);
      stale.session = token;

      expect(signedOut.status).toBe(303);
      expect(client.session).toBeUndefined();
      expect((await me(stale, a)).status).toBe(401);
    });

    it("revoking a session on B: A refuses its cookie next, and keeps the other", async () => {
      const { client: revoked, name } = await signedInUser(a);
      const other = new CookieClient(PUBLIC_ORIGIN);
      await signedIn(other, a, name);
      const { session } = (await (await me(revoked, a)).json()) as Me;

      const page = await (await other.get(b.url, "/sessions/")).text();
      const action = formAction(page, `value="${session.sessionId}"`);
      const response = await other.post(b.url, `/sessions/${action}`, {
        sessionId: session.sessionId,
      });

      expect(response.status).toBe(200);
      expect((await me(revoked, a)).status).toBe(401);
      expect((await me(other, a)).status).toBe(200);
    });

    // Last: the failures also count against this machine's address, which every test shares.
    it("five failed sign-ins on A: the sixth, on B, is refused (429) even if right", async () => {
      const name = uniqueName();
      await signedUp(new CookieClient(PUBLIC_ORIGIN), a, name);
      const token = (server: AppServer, password: string): Promise<Response> =>
        fetch(new URL("/api/token", server.url), {
          method: "POST",
          headers: { "content-type": "application/json", origin: PUBLIC_ORIGIN },
          body: JSON.stringify({ username: name, password }),
        });

      const failures = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        failures.push((await token(a, "wrong password")).status);
      }
      const sixth = await token(b, PASSWORD);

      expect(failures).toEqual([401, 401, 401, 401, 401]);
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  });
}

if (!postgresService.available) {
  it.skip(postgresService.skipReason, () => {});
} else {
  runManyServers({ name: "PostgreSQL", postgres: true, redis: false });
}
if (!redisService.available) {
  it.skip(redisService.skipReason, () => {});
} else {
  runManyServers({ name: "SQLite users + Redis sessions", postgres: false, redis: true });
  if (postgresService.available) {
    runManyServers({ name: "PostgreSQL users + Redis sessions", postgres: true, redis: true });
  }
}

import { randomUUID, scryptSync } from "node:crypto";
import pg from "pg";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { postgres, postgresSchema } from "../../src/adapters/postgres.js";
import { lucia } from "../../src/index.js";
import { runAdapterContract } from "../contract/adapter-contract.js";
import { openTestDatabase, type TestDatabase } from "../support/postgres.js";
import { POSTGRES_URL, requireService } from "../support/services.js";
import { codeOf } from "../support/outcome.js";

const service = await requireService("PostgreSQL");

/** A password hash made the way Lucia v2 made them (`s2:`, scrypt N=16384, r=16). */
function luciaV2Hash(password: string, salt: string): string {
  const options = { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 };
  const key = scryptSync(password.normalize("NFKC"), salt, 64, options);
  return `s2:${salt}:${key.toString("hex")}`;
}

if (!service.available) {
  it.skip(service.skipReason, () => {});
} else {
  runAdapterContract("PostgreSQL", async () => {
    const database = await openTestDatabase();
    return { adapter: database.adapter, teardown: database.drop };
  });

  describe("postgres adapter", () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await openTestDatabase();
    });

    afterAll(async () => {
      await database?.drop();
    });

    async function newUser(): Promise<string> {
      const userId = `user-${randomUUID()}`;
      await database.adapter.setUser({ id: userId, username: null }, null);
      return userId;
    }

    it("returns BIGINT expiries as numbers from every read", async () => {
      const userId = await newUser();
      const expiry = Date.UTC(2200, 0, 1);
      const row = {
        id: randomUUID(),
        user_id: userId,
        active_expires: expiry,
        idle_expires: expiry,
      };

      await database.adapter.setSession({ ...row, created_at: expiry });

      expect(await database.adapter.getSession(row.id)).toEqual({ ...row, created_at: expiry });
      expect(await database.adapter.getSessionsByUserId(userId)).toEqual([
        { ...row, created_at: expiry },
      ]);
      const [sessionRow] = await database.adapter.getSessionAndUser!(row.id);
      expect(sessionRow).toEqual({ ...row, created_at: expiry });
    });

    it("keeps a BIGINT attribute past 2^53 as its exact string", async () => {
      const userId = await newUser();
      const id = randomUUID();
      await database.adapter.setSession({
        id,
        user_id: userId,
        active_expires: 1,
        idle_expires: 2,
        created_at: "9007199254740993",
      });

      expect((await database.adapter.getSession(id))?.["created_at"]).toBe("9007199254740993");
    });

    it("writes into schema-qualified tables and nowhere else", async () => {
      const userId = await newUser();

      const { rows } = await database.pool.query(
        `SELECT count(*)::int AS count FROM "${database.schema}"."auth_user" WHERE id = $1`,
        [userId],
      );

      expect(rows[0].count).toBe(1);
      const { rows: tables } = await database.pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1
        ORDER BY table_name`,
        [database.schema],
      );
      expect(tables.map((table) => table.table_name)).toEqual([
        "auth_user",
        "user_key",
        "user_session",
      ]);
    });

    it("quotes table names, so a reserved word and mixed case work", async () => {
      const schema = `${database.schema}_quoted`;
      const tables = { user: `${schema}.User`, key: `${schema}.key`, session: `${schema}.order` };
      await database.pool.query(postgresSchema(tables));
      const adapter = postgres(database.pool, tables);
      try {
        await adapter.setUser({ id: "u" }, { id: "k:u", user_id: "u", hashed_password: null });
        await adapter.setSession({ id: "s", user_id: "u", active_expires: 1, idle_expires: 2 });

        const [session, user] = await adapter.getSessionAndUser!("s");

        expect(session).toEqual({ id: "s", user_id: "u", active_expires: 1, idle_expires: 2 });
        expect(user).toEqual({ id: "u" });
      } finally {
        await database.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      }
    });

    it("writes no user when the key insert of setUser fails", async () => {
      const existing = await newUser();
      await database.adapter.setKey({
        id: `taken:${existing}`,
        user_id: existing,
        hashed_password: null,
      });
      const userId = `user-${randomUUID()}`;

      const code = await codeOf(
        database.adapter.setUser(
          { id: userId, username: "half" },
          { id: `taken:${existing}`, user_id: userId, hashed_password: null },
        ),
      );

      expect(code).toBe("AUTH_DUPLICATE_KEY_ID");
      expect(await database.adapter.getUser(userId)).toBeNull();
      expect(database.pool.idleCount + database.pool.waitingCount).toBe(database.pool.totalCount);
    });

    it("maps a missing user (foreign key) to AUTH_INVALID_USER_ID", async () => {
      const code = await codeOf(
        database.adapter.setSession({
          id: randomUUID(),
          user_id: `missing-${randomUUID()}`,
          active_expires: 1,
          idle_expires: 2,
        }),
      );

      expect(code).toBe("AUTH_INVALID_USER_ID");
    });

    it("maps any other error to AUTH_DATABASE_FAILURE with the driver error as cause", async () => {
      const userId = await newUser();

      const failure = database.adapter.updateUser(userId, { no_such_column: 1 });

      await expect(failure).rejects.toMatchObject({
        code: "AUTH_DATABASE_FAILURE",
        cause: expect.objectContaining({ code: "42703" }),
      });
    });

    it("renewSession changes only the session whose active_expires matches", async () => {
      const userId = await newUser();
      const id = randomUUID();
      await database.adapter.setSession({
        id,
        user_id: userId,
        active_expires: 10,
        idle_expires: 20,
      });

      const stale = await database.adapter.renewSession(
        id,
        { active_expires: 30, idle_expires: 40 },
        9,
      );
      const current = await database.adapter.renewSession(
        id,
        { active_expires: 30, idle_expires: 40 },
        10,
      );

      expect([stale, current]).toEqual([false, true]);
      expect(await database.adapter.getSession(id)).toMatchObject({
        active_expires: 30,
        idle_expires: 40,
      });
    });

    it("validates with one query: a named statement joining session and user", async () => {
      const userId = await newUser();
      const id = randomUUID();
      await database.adapter.setSession({
        id,
        user_id: userId,
        active_expires: 1,
        idle_expires: 2,
      });
      const sent: unknown[] = [];
      const counting = new Proxy(database.pool, {
        get: (target, property) =>
          property === "query"
            ? (config: unknown, ...rest: unknown[]) => {
                sent.push(config);
                return (target.query as (...args: unknown[]) => unknown)(config, ...rest);
              }
            : Reflect.get(target, property, target),
      });
      const adapter = postgres(counting, database.tables);

      const [session, user] = await adapter.getSessionAndUser!(id);

      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ name: expect.stringMatching(/^qwik_lucia_/) });
      expect(session?.id).toBe(id);
      expect(user?.id).toBe(userId);
    });

    it("keeps working after a column is added to a table a named statement reads", async () => {
      const userId = await newUser();
      const id = randomUUID();
      await database.adapter.setSession({
        id,
        user_id: userId,
        active_expires: 1,
        idle_expires: 2,
      });
      await database.adapter.getSessionAndUser!(id);

      await database.pool.query(
        `ALTER TABLE "${database.schema}"."auth_user" ADD COLUMN IF NOT EXISTS nickname TEXT`,
      );
      const [, user] = await database.adapter.getSessionAndUser!(id);

      expect(user).toMatchObject({ id: userId, nickname: null });
    });
  });

  describe("postgres adapter failures", () => {
    const applicationName = `qwik_lucia_test_${process.pid}_victim`;
    let database: TestDatabase;
    let operator: pg.Client;
    const terminated = new Set<number>();

    beforeAll(async () => {
      database = await openTestDatabase({ application_name: applicationName });
      operator = new pg.Client({ connectionString: POSTGRES_URL });
      await operator.connect();
    });

    afterAll(async () => {
      await operator?.end();
      await database?.drop();
    });

    async function signedIn() {
      const auth = lucia({ adapter: database.adapter, env: "DEV" });
      const user = await auth.createUser({ key: null, attributes: { username: "victim" } });
      const session = await auth.createSession({ userId: user.userId, attributes: {} });
      return { auth, token: session.token! };
    }

    /** Ends the pool's server processes from another connection, as a restart or a DBA would. */
    async function terminatePoolBackends(): Promise<number> {
      const { rows } = await operator.query(
        `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      for (const row of rows) terminated.add(row.pid);
      return rows.length;
    }

    /** Waits until one of the pool's queries is waiting on a lock held by `operator`. */
    async function waitForBlockedQuery(): Promise<void> {
      await vi.waitFor(
        async () => {
          const { rows } = await operator.query(
            `SELECT 1 FROM pg_stat_activity
            WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [applicationName],
          );
          expect(rows).toHaveLength(1);
        },
        { timeout: 5_000, interval: 20 },
      );
    }

    /** Resolves once every terminated backend is gone and the pool holds only live clients. */
    async function waitForPoolToSettle(): Promise<void> {
      await vi.waitFor(
        async () => {
          const { rows } = await operator.query(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1`,
            [applicationName],
          );
          expect(rows.filter((row) => terminated.has(row.pid))).toEqual([]);
          expect(database.pool.totalCount).toBe(rows.length);
        },
        { timeout: 5_000, interval: 20 },
      );
    }

    it("a connection terminated mid-query fails with AUTH_DATABASE_FAILURE, not a sign-out", async () => {
      const { auth, token } = await signedIn();
      await operator.query("BEGIN");
      await operator.query(
        `LOCK TABLE "${database.schema}"."user_session" IN ACCESS EXCLUSIVE MODE`,
      );
      const validation = codeOf(auth.validateSession(token));
      await waitForBlockedQuery();

      expect(await terminatePoolBackends()).toBeGreaterThan(0);
      const code = await validation;
      await operator.query("ROLLBACK");

      expect(code).toBe("AUTH_DATABASE_FAILURE");
      expect((await auth.validateSession(token)).state).toBe("active");
    });

    it("a connection lost inside createUser's transaction leaves no half-written user", async () => {
      const auth = lucia({ adapter: database.adapter, env: "DEV" });
      const userId = `user-${randomUUID()}`;
      await operator.query("BEGIN");
      await operator.query(`LOCK TABLE "${database.schema}"."user_key" IN ACCESS EXCLUSIVE MODE`);
      const creation = codeOf(
        auth.createUser({
          userId,
          key: { providerId: "username", providerUserId: userId, password: null },
          attributes: { username: "half" },
        }),
      );
      await waitForBlockedQuery();

      await terminatePoolBackends();
      const code = await creation;
      await operator.query("ROLLBACK");

      expect(code).toBe("AUTH_DATABASE_FAILURE");
      expect(await database.adapter.getUser(userId)).toBeNull();
      expect(await database.adapter.getKey(`username:${userId}`)).toBeNull();
    });

    it("the pool replaces connections terminated while idle, by itself", async () => {
      const { auth, token } = await signedIn();
      await Promise.all([auth.validateSession(token), auth.validateSession(token)]);

      expect(await terminatePoolBackends()).toBeGreaterThan(0);
      const rightAfter = await codeOf(auth.validateSession(token));
      // The pool drops each client as soon as its connection reports the termination.
      await waitForPoolToSettle();

      expect(["resolved", "AUTH_DATABASE_FAILURE"]).toContain(rightAfter);
      expect((await auth.validateSession(token)).state).toBe("active");
    });

    it("a server that is down fails promptly with AUTH_DATABASE_FAILURE", async () => {
      const unused = net.createServer();
      await new Promise<void>((resolve) => unused.listen(0, "127.0.0.1", resolve));
      const port = (unused.address() as net.AddressInfo).port;
      await new Promise((resolve) => unused.close(resolve));
      const pool = new pg.Pool({
        host: "127.0.0.1",
        port,
        user: "postgres",
        connectionTimeoutMillis: 1_000,
      });
      const started = performance.now();

      const failure = postgres(pool).getSessionAndUser!(randomUUID());

      await expect(failure).rejects.toMatchObject({ code: "AUTH_DATABASE_FAILURE" });
      expect(await codeOf(postgres(pool).setUser({ id: "x" }, null))).toBe("AUTH_DATABASE_FAILURE");
      expect(performance.now() - started).toBeLessThan(2_000);
      await pool.end();
    });
  });

  describe("postgres adapter with a Lucia v2 database", () => {
    const schema = `qwik_lucia_test_${process.pid}_v2_${Math.random().toString(36).slice(2, 8)}`;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });

    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });

    it("signs in a user, key and s2 hash created by Lucia v2, and validates the session", async () => {
      // The tables exactly as Lucia v2's PostgreSQL guide creates them.
      await pool.query(`CREATE SCHEMA "${schema}"`);
      await pool.query(`
        CREATE TABLE "${schema}".auth_user (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE);
        CREATE TABLE "${schema}".user_key (
          id TEXT PRIMARY KEY,
          user_id TEXT REFERENCES "${schema}".auth_user(id) NOT NULL,
          hashed_password TEXT
        );
        CREATE TABLE "${schema}".user_session (
          id TEXT PRIMARY KEY,
          user_id TEXT REFERENCES "${schema}".auth_user(id) NOT NULL,
          active_expires BIGINT NOT NULL,
          idle_expires BIGINT NOT NULL
        );
        INSERT INTO "${schema}".auth_user VALUES ('v2user000000001', 'ada');
      `);
      await pool.query(`INSERT INTO "${schema}".user_key VALUES ('username:ada', $1, $2)`, [
        "v2user000000001",
        luciaV2Hash("lucia-v2-password", "yc2xz8vxpkpbwd3i"),
      ]);
      const auth = lucia({
        adapter: postgres(pool, {
          user: `${schema}.auth_user`,
          key: `${schema}.user_key`,
          session: `${schema}.user_session`,
        }),
        env: "DEV",
        getUserAttributes: (user) => ({ username: user["username"] as string }),
      });

      const key = await auth.useKey("username", "ada", "lucia-v2-password");
      const session = await auth.createSession({ userId: key.userId, attributes: {} });
      const validated = await auth.validateSession(session.token!);

      expect(validated.user).toEqual({ userId: "v2user000000001", username: "ada" });
    });
  });
}

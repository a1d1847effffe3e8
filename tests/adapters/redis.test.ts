import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { redis } from "../../src/adapters/redis.js";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import type { SessionAdapter, SessionSchema } from "../../src/adapters/types.js";
import { runAdapterContract } from "../contract/adapter-contract.js";
import { openTestDatabase } from "../support/postgres.js";
import { connectRedis, keysUnder, removeKeys, testPrefix } from "../support/redis.js";
import { REDIS_URL, requireService } from "../support/services.js";
import { proxyTo } from "../support/tcp-proxy.js";
import { codeOf } from "../support/outcome.js";

const redisService = await requireService("Redis");
const postgresService = await requireService("PostgreSQL");

const MINUTE = 60_000;

if (!redisService.available) {
  it.skip(redisService.skipReason, () => {});
} else {
  runAdapterContract("SQLite users + Redis sessions", async () => {
    const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-redis-"));
    const db = new Database(join(directory, "auth.db"));
    db.exec(sqliteSchema());
    db.exec(`ALTER TABLE "user" ADD COLUMN username TEXT`);
    const client = connectRedis();
    const prefix = testPrefix();
    return {
      adapter: { user: sqlite(db), session: redis(client, { prefix }) },
      teardown: async () => {
        await removeKeys(client, prefix);
        client.disconnect();
        db.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  });

  if (!postgresService.available) {
    it.skip(postgresService.skipReason, () => {});
  } else {
    runAdapterContract("PostgreSQL users + Redis sessions", async () => {
      const database = await openTestDatabase();
      const client = connectRedis();
      const prefix = testPrefix();
      return {
        adapter: { user: database.adapter, session: redis(client, { prefix }) },
        teardown: async () => {
          await removeKeys(client, prefix);
          client.disconnect();
          await database.drop();
        },
      };
    });
  }

  describe("redis session adapter", () => {
    let client: Redis;
    let prefix: string;
    let sessions: SessionAdapter;

    beforeAll(() => {
      client = connectRedis();
      prefix = testPrefix();
      sessions = redis(client, { prefix });
    });

    afterAll(async () => {
      await removeKeys(client, prefix);
      client.disconnect();
    });

    afterEach(() => {
      vi.useRealTimers();
    });

    function sessionRow(userId: string, idleIn: number): SessionSchema {
      const now = Date.now();
      return {
        id: randomUUID(),
        user_id: userId,
        active_expires: now + idleIn / 2,
        idle_expires: now + idleIn,
      };
    }

    it("stores a session as JSON that Redis expires at the exact idle_expires millisecond", async () => {
      const row = { ...sessionRow(randomUUID(), 10 * MINUTE), created_at: 7 };

      await sessions.setSession(row);

      const key = `${prefix}session:${row.id}`;
      expect(JSON.parse((await client.get(key))!)).toEqual(row);
      expect(await client.call("PEXPIRETIME", key)).toBe(row.idle_expires);
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(10 * MINUTE - 5_000);
      expect(ttl).toBeLessThanOrEqual(10 * MINUTE);
    });

    it("moves the Redis expiry with a renewal", async () => {
      const row = sessionRow(randomUUID(), 10 * MINUTE);
      await sessions.setSession(row);
      const renewal = {
        active_expires: row.active_expires + MINUTE,
        idle_expires: row.idle_expires + MINUTE,
      };

      expect(await sessions.renewSession(row.id, renewal, row.active_expires)).toBe(true);

      const key = `${prefix}session:${row.id}`;
      expect(await client.call("PEXPIRETIME", key)).toBe(renewal.idle_expires);
      const index = `${prefix}user_sessions:${row.user_id}`;
      expect(Number(await client.zscore(index, row.id))).toBe(renewal.idle_expires);
    });

    it("keeps a per-user index that expires with the user's last session", async () => {
      const userId = randomUUID();
      const short = sessionRow(userId, 5 * MINUTE);
      const long = sessionRow(userId, 30 * MINUTE);

      await sessions.setSession(long);
      await sessions.setSession(short);

      const index = `${prefix}user_sessions:${userId}`;
      expect(await client.zrange(index, 0, -1)).toEqual([short.id, long.id]);
      expect(await client.call("PEXPIRETIME", index)).toBe(long.idle_expires);
    });

    it("removes expired ids from the index (and their sessions) when the index is read", async () => {
      const userId = randomUUID();
      const early = sessionRow(userId, 5 * MINUTE);
      const late = sessionRow(userId, 30 * MINUTE);
      await sessions.setSession(early);
      await sessions.setSession(late);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(early.idle_expires);

      const listed = await sessions.getSessionsByUserId(userId);

      expect(listed.map((row) => row.id)).toEqual([late.id]);
      expect(await client.zrange(`${prefix}user_sessions:${userId}`, 0, -1)).toEqual([late.id]);
      expect(await client.exists(`${prefix}session:${early.id}`)).toBe(0);
    });

    it("removes expired ids from the index when a session of that user is written", async () => {
      const userId = randomUUID();
      const early = sessionRow(userId, 5 * MINUTE);
      await sessions.setSession(early);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(early.idle_expires + 1);

      const next = { ...sessionRow(userId, 30 * MINUTE), id: randomUUID() };
      await sessions.setSession(next);

      expect(await client.zrange(`${prefix}user_sessions:${userId}`, 0, -1)).toEqual([next.id]);
    });

    it("drops an id from the index when its session key vanished (evicted or deleted by hand)", async () => {
      const userId = randomUUID();
      const row = sessionRow(userId, 10 * MINUTE);
      await sessions.setSession(row);
      await client.del(`${prefix}session:${row.id}`);

      expect(await sessions.getSessionsByUserId(userId)).toEqual([]);

      expect(await client.exists(`${prefix}user_sessions:${userId}`)).toBe(0);
    });

    it("deleteSession removes the session and its index entry", async () => {
      const userId = randomUUID();
      const [a, b] = [sessionRow(userId, MINUTE * 10), sessionRow(userId, MINUTE * 20)];
      await sessions.setSession(a);
      await sessions.setSession(b);

      await sessions.deleteSession(a.id);

      expect(await client.exists(`${prefix}session:${a.id}`)).toBe(0);
      expect(await client.zrange(`${prefix}user_sessions:${userId}`, 0, -1)).toEqual([b.id]);
    });

    it("deleteSessionsByUserId removes every session key and the index", async () => {
      const userId = randomUUID();
      const rows = [sessionRow(userId, MINUTE * 10), sessionRow(userId, MINUTE * 20)];
      for (const row of rows) await sessions.setSession(row);

      await sessions.deleteSessionsByUserId(userId);

      const left = (await keysUnder(client, prefix)).filter((key) => key.includes(userId));
      expect(left).toEqual([]);
      for (const row of rows) expect(await sessions.getSession(row.id)).toBeNull();
    });

    /** Runs `meanwhile` (another server's write) between this adapter's read and its write. */
    function interleave(meanwhile: () => Promise<void>): { happened: () => boolean } {
      const original = client.call.bind(client) as (...args: unknown[]) => Promise<unknown>;
      let happened = false;
      const call = vi.spyOn(client, "call").mockImplementation((async (...args: unknown[]) => {
        if (args[0] === "EVALSHA" && !happened) {
          happened = true;
          call.mockRestore();
          await meanwhile();
        }
        return original(...args);
      }) as never);
      return { happened: () => happened };
    }

    it("renewSession keeps an attribute update made since the session was read", async () => {
      const row = { ...sessionRow(randomUUID(), 10 * MINUTE), created_at: 1 };
      await sessions.setSession(row);
      const renewal = {
        active_expires: row.active_expires + 1,
        idle_expires: row.idle_expires + 1,
      };
      const race = interleave(() => sessions.updateSession(row.id, { created_at: 2 }));

      const renewed = await sessions.renewSession(row.id, renewal, row.active_expires);

      expect(race.happened()).toBe(true);
      expect(renewed).toBe(true);
      expect(await sessions.getSession(row.id)).toMatchObject({ ...renewal, created_at: 2 });
    });

    it("renewSession never re-creates a session deleted since it was read", async () => {
      const row = sessionRow(randomUUID(), 10 * MINUTE);
      await sessions.setSession(row);
      const renewal = {
        active_expires: row.active_expires + 1,
        idle_expires: row.idle_expires + 1,
      };
      const race = interleave(() => sessions.deleteSession(row.id));

      const renewed = await sessions.renewSession(row.id, renewal, row.active_expires);

      expect(race.happened()).toBe(true);
      expect(renewed).toBe(false);
      expect(await client.exists(`${prefix}session:${row.id}`)).toBe(0);
    });

    it("loads its scripts again after Redis forgot them (restart, SCRIPT FLUSH)", async () => {
      const row = sessionRow(randomUUID(), 10 * MINUTE);
      await client.call("SCRIPT", "FLUSH");

      await sessions.setSession(row);

      expect(await sessions.getSession(row.id)).toEqual(row);
    });

    it("deleteDeadSessions of every user touches only keys under its own prefix", async () => {
      const otherPrefix = testPrefix();
      const other = redis(client, { prefix: otherPrefix });
      const mine = sessionRow(randomUUID(), 5 * MINUTE);
      const theirs = sessionRow(randomUUID(), 5 * MINUTE);
      await sessions.setSession(mine);
      await other.setSession(theirs);

      await sessions.deleteDeadSessions(mine.idle_expires);

      expect(await sessions.getSession(mine.id)).toBeNull();
      expect(await other.getSession(theirs.id)).toEqual(theirs);
      await removeKeys(client, otherPrefix);
    });

    it("refuses a client with ioredis's keyPrefix option, naming the option to use", () => {
      const prefixed = new Redis(REDIS_URL, { keyPrefix: "app:", lazyConnect: true });

      expect(() => redis(prefixed)).toThrow(/keyPrefix.*prefix/);
    });
  });

  describe("redis session adapter failures", () => {
    it("fails promptly with AUTH_DATABASE_FAILURE once the client is disconnected", async () => {
      const client = connectRedis();
      const sessions = redis(client, { prefix: testPrefix() });
      client.disconnect();
      const started = performance.now();

      const code = await codeOf(sessions.getSession(randomUUID()));

      expect(code).toBe("AUTH_DATABASE_FAILURE");
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it("fails promptly with AUTH_DATABASE_FAILURE when nothing listens on the port", async () => {
      const unused = net.createServer();
      await new Promise<void>((resolve) => unused.listen(0, "127.0.0.1", resolve));
      const port = (unused.address() as net.AddressInfo).port;
      await new Promise((resolve) => unused.close(resolve));
      const client = connectRedis(`redis://127.0.0.1:${port}`);
      const sessions = redis(client, { prefix: testPrefix() });
      const started = performance.now();

      const code = await codeOf(sessions.getSession(randomUUID()));

      expect(code).toBe("AUTH_DATABASE_FAILURE");
      expect(performance.now() - started).toBeLessThan(2_000);
      client.disconnect();
    });

    it("fails promptly while Redis is away and works again, unaided, once it is back", async () => {
      const proxy = await proxyTo(REDIS_URL, 6379);
      const client = connectRedis(`redis://127.0.0.1:${proxy.port}`);
      const prefix = testPrefix();
      const sessions = redis(client, { prefix });
      const row = sessionRow(randomUUID(), 10 * MINUTE);
      await sessions.setSession(row);

      await proxy.stop();
      const started = performance.now();
      const during = await codeOf(sessions.getSession(row.id));
      const elapsed = performance.now() - started;
      await proxy.start();
      const after = await vi.waitFor(() => sessions.getSession(row.id), {
        timeout: 10_000,
        interval: 100,
      });

      expect(during).toBe("AUTH_DATABASE_FAILURE");
      expect(elapsed).toBeLessThan(2_000);
      expect(after).toEqual(row);
      await removeKeys(client, prefix);
      client.disconnect();
      await proxy.stop();
    });

    function sessionRow(userId: string, idleIn: number): SessionSchema {
      const now = Date.now();
      return { id: randomUUID(), user_id: userId, active_expires: now, idle_expires: now + idleIn };
    }
  });
}

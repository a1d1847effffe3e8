import Database from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import {
  LuciaError,
  SignInThrottle,
  memoryThrottleStore,
  postgresThrottleStore,
  redisThrottleStore,
  sqliteThrottleStore,
  type ThrottleStore,
} from "../../src/index.js";
import { POSTGRES_URL, REDIS_URL, requireService } from "../support/services.js";

const MINUTE = 60_000;

const wrongPassword = async (): Promise<never> => {
  throw new LuciaError("AUTH_INVALID_PASSWORD");
};
const rightPassword = async () => "signed in";

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof LuciaError) {
      return error.code === "AUTH_TOO_MANY_REQUESTS"
        ? `429 after ${error.retryAfterSeconds}s`
        : error.code;
    }
    throw error;
  }
}

const postgresService = await requireService("PostgreSQL");
const redisService = await requireService("Redis");

const stores: [string, () => Promise<{ store: ThrottleStore; close(): Promise<void> }>, boolean][] =
  [
    ["memory", async () => ({ store: memoryThrottleStore(), close: async () => {} }), true],
    [
      "SQLite",
      async () => {
        const db = new Database(":memory:");
        return { store: sqliteThrottleStore(db), close: async () => void db.close() };
      },
      true,
    ],
    [
      "PostgreSQL",
      async () => {
        const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
        const table = `auth_throttle_test_${process.pid}_${randomUUID().slice(0, 8)}`;
        return {
          store: postgresThrottleStore(pool, table),
          close: async () => {
            await pool.query(`DROP TABLE IF EXISTS "${table}"`);
            await pool.end();
          },
        };
      },
      postgresService.available,
    ],
    [
      "Redis",
      async () => {
        const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
        await client.connect();
        const prefix = `qwik-lucia-test:${process.pid}:${randomUUID()}:`;
        return {
          store: redisThrottleStore(client, { prefix }),
          close: async () => {
            const keys = await client.keys(`${prefix}*`);
            if (keys.length > 0) await client.del(...keys);
            client.disconnect();
          },
        };
      },
      redisService.available,
    ],
  ];

describe.each(stores)("sign-in throttle on the %s store", (_name, open, available) => {
  const closers: (() => Promise<void>)[] = [];

  async function throttle(options: ConstructorParameters<typeof SignInThrottle>[0] = {}) {
    const { store, close } = await open();
    closers.push(close);
    return new SignInThrottle({ store, ...options });
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  function freezeClock(): number {
    const now = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    return now;
  }

  it.skipIf(!available)(
    "refuses the attempt after 5 failures, before checking the password",
    async () => {
      const limiter = await throttle();
      const signIn = vi.fn(wrongPassword);

      const results: string[] = [];
      for (let i = 0; i < 6; i++)
        results.push(await outcome(limiter.attempt("user:ada", null, signIn)));

      expect(results).toEqual([...Array(5).fill("AUTH_INVALID_PASSWORD"), "429 after 30s"]);
      expect(signIn).toHaveBeenCalledTimes(5);
    },
  );

  it.skipIf(!available)("doubles the delay with each failure after the block ends", async () => {
    const limiter = await throttle();
    const start = freezeClock();
    for (let i = 0; i < 5; i++) await outcome(limiter.attempt("user:bob", null, wrongPassword));

    vi.setSystemTime(start + 30_000);
    const sixth = await outcome(limiter.attempt("user:bob", null, wrongPassword));
    const refused = await outcome(limiter.attempt("user:bob", null, rightPassword));

    expect(sixth).toBe("AUTH_INVALID_PASSWORD");
    expect(refused).toBe("429 after 60s");
  });

  it.skipIf(!available)("a success clears the key's count", async () => {
    const limiter = await throttle();
    for (let i = 0; i < 4; i++) await outcome(limiter.attempt("user:cy", null, wrongPassword));

    expect(await outcome(limiter.attempt("user:cy", null, rightPassword))).toBe("ok");
    for (let i = 0; i < 4; i++) await outcome(limiter.attempt("user:cy", null, wrongPassword));
    expect(await outcome(limiter.attempt("user:cy", null, rightPassword))).toBe("ok");
  });

  it.skipIf(!available)("counts failures per client address across usernames", async () => {
    const limiter = await throttle();
    for (let i = 0; i < 5; i++) {
      await outcome(limiter.attempt(`user:guess-${i}`, "203.0.113.9", wrongPassword));
    }

    expect(await outcome(limiter.attempt("user:other", "203.0.113.9", rightPassword))).toMatch(
      /^429/,
    );
    expect(await outcome(limiter.attempt("user:other", "198.51.100.1", rightPassword))).toBe("ok");
  });

  it.skipIf(!available)("forgets failures a window after the last one", async () => {
    const limiter = await throttle();
    const start = freezeClock();
    for (let i = 0; i < 5; i++) await outcome(limiter.attempt("user:dee", null, wrongPassword));

    vi.setSystemTime(start + 15 * MINUTE);

    expect(await outcome(limiter.attempt("user:dee", null, wrongPassword))).toBe(
      "AUTH_INVALID_PASSWORD",
    );
    expect(await outcome(limiter.attempt("user:dee", null, rightPassword))).toBe("ok");
  });

  it.skipIf(!available)("parallel guesses on one key cannot slip past the limit", async () => {
    const limiter = await throttle();
    const signIn = vi.fn(wrongPassword);

    const results = await Promise.all(
      Array.from({ length: 20 }, () => outcome(limiter.attempt("user:eve", null, signIn))),
    );

    expect(signIn).toHaveBeenCalledTimes(5);
    expect(results.filter((result) => result.startsWith("429"))).toHaveLength(15);
  });

  it.skipIf(!available)("does not count other errors, such as a failing database", async () => {
    const limiter = await throttle();
    const failing = async (): Promise<never> => {
      throw new LuciaError("AUTH_DATABASE_FAILURE");
    };

    for (let i = 0; i < 6; i++) await outcome(limiter.attempt("user:fay", null, failing));

    expect(await outcome(limiter.attempt("user:fay", null, rightPassword))).toBe("ok");
  });
});

describe("client addresses", () => {
  it("come from the connection; X-Forwarded-For is ignored by default", () => {
    const limiter = new SignInThrottle();

    expect(limiter.clientAddress("198.51.100.7", "203.0.113.1")).toBe("198.51.100.7");
    expect(limiter.clientAddress("::ffff:127.0.0.1", null)).toBe("127.0.0.1");
    expect(limiter.clientAddress(undefined, "203.0.113.1")).toBeNull();
  });

  it("come from X-Forwarded-For only behind a trusted proxy, right-most untrusted hop", () => {
    const limiter = new SignInThrottle({ trustedProxies: ["10.0.0.1", "10.0.0.2"] });

    expect(limiter.clientAddress("10.0.0.1", "1.1.1.1, 203.0.113.5, 10.0.0.2")).toBe("203.0.113.5");
    expect(limiter.clientAddress("10.0.0.1", null)).toBe("10.0.0.1");
    expect(limiter.clientAddress("198.51.100.7", "203.0.113.5")).toBe("198.51.100.7");
  });
});

describe("configuration", () => {
  it.each([
    { maxFailures: 0 },
    { windowMs: -1 },
    { baseDelayMs: 1.5 },
    { maxDelayMs: 20 * MINUTE },
  ])("refuses %j", (options) => {
    expect(() => new SignInThrottle(options)).toThrow(/signInThrottle\./);
  });
});

describe("maxFailuresPerAddress", () => {
  it("lets an address fail more often than one key may", async () => {
    const limiter = new SignInThrottle({ maxFailuresPerAddress: 8 });

    const outcomes: string[] = [];
    for (let i = 0; i < 9; i++) {
      outcomes.push(await outcome(limiter.attempt(`user:n${i}`, "203.0.113.7", wrongPassword)));
    }

    expect(outcomes.slice(0, 8)).toEqual(Array(8).fill("AUTH_INVALID_PASSWORD"));
    expect(outcomes[8]).toMatch(/^429/);
  });
});

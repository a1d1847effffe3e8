import type { AdapterConfig, SignInThrottleOptions } from "qwik-lucia";
import { sqlite } from "qwik-lucia/adapters/sqlite";
import { openDatabase } from "../database";
import { openPostgres } from "./postgres";
import { connectRedis } from "./redis";

/** Where the app keeps users, keys and sessions, and how it counts failed sign-ins. */
export interface Stores {
  adapter: AdapterConfig;
  signInThrottle: SignInThrottleOptions;
}

function urlOf(variable: string, protocols: string[]): string | null {
  const url = process.env[variable];
  if (!url) return null;
  if (!protocols.some((protocol) => url.startsWith(`${protocol}//`))) {
    throw new TypeError(`${variable} must start with ${protocols.join(" or ")}//`);
  }
  return url;
}

/**
 * Picks the stores from the environment:
 * - `DATABASE_URL=postgres://...`: users and keys (and sessions, unless Redis) in PostgreSQL;
 * - `REDIS_URL=redis://...`: sessions in Redis (users in PostgreSQL, or else in SQLite);
 * - neither: everything in the SQLite file (`DATABASE_PATH`).
 * Failed sign-ins are counted where the sessions live, so every server sees the same counts.
 */
export function storesFromEnvironment(): Stores {
  const databaseUrl = urlOf("DATABASE_URL", ["postgres:", "postgresql:"]);
  const redisUrl = urlOf("REDIS_URL", ["redis:", "rediss:"]);
  const database = databaseUrl ? openPostgres(databaseUrl) : null;
  const users = database ? database.adapter : sqlite(openDatabase());
  const cache = redisUrl ? connectRedis(redisUrl) : null;

  if (cache) {
    return {
      adapter: { user: users, session: cache.sessions },
      signInThrottle: { store: cache.throttle },
    };
  }
  // With SQLite alone there is one server: the default in-memory counts are enough.
  return { adapter: users, signInThrottle: database ? { store: database.throttle } : {} };
}

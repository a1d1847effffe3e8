import { Redis } from "ioredis";
import { redisThrottleStore, type SessionAdapter, type ThrottleStore } from "qwik-lucia";
import { redis } from "qwik-lucia/adapters/redis";

/** The app's sessions and sign-in failure counts in Redis. */
export interface RedisStores {
  client: Redis;
  sessions: SessionAdapter;
  throttle: ThrottleStore;
}

/**
 * Connects to `REDIS_URL`; every key starts with `REDIS_PREFIX` (default `qwik_lucia:`). While
 * Redis is down a command fails within 2 s (a 503), and the client reconnects by itself.
 */
export function connectRedis(url: string): RedisStores {
  const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  // Connection errors reach the commands that fail; the event itself needs a listener.
  client.on("error", () => {});
  const prefix = process.env["REDIS_PREFIX"] || "qwik_lucia:";
  return {
    client,
    sessions: redis(client, { prefix }),
    throttle: redisThrottleStore(client, { prefix: `${prefix}throttle:` }),
  };
}

import { Redis, type RedisOptions } from "ioredis";
import { REDIS_URL } from "./services.js";

/**
 * The client options the docs recommend: a command fails within a second while Redis is down
 * (instead of waiting for 20 reconnection attempts), and the client reconnects by itself.
 */
export const PROMPT_FAILURE: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: 1_000 };

export function connectRedis(url = REDIS_URL, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { ...PROMPT_FAILURE, ...options });
  // Connection errors surface on the commands; the event only needs a listener.
  client.on("error", () => {});
  return client;
}

/** A key prefix of its own per test run: `qwik_lucia_test:<pid>:<random>:`. */
export function testPrefix(): string {
  return `qwik_lucia_test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
}

/** Every key under the prefix, found with SCAN. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, page] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    keys.push(...page);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

/** Removes what a run wrote. */
export async function removeKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.del(...keys);
}

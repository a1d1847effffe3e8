import type { ThrottleRecord, ThrottleStore } from "./types.js";

/** The part of an ioredis client this store uses. */
export interface ThrottleRedisClient {
  eval(script: string, keyCount: number, ...args: (string | number)[]): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  del(key: string): Promise<number>;
}

// Atomic on the server: lapse, increment, stamp and expire in one step, so servers sharing
// the store never lose a failure. The key expires when the count lapses.
const RECORD_FAILURE = `
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if now - last >= window then failures = 0 end
failures = failures + 1
redis.call('HSET', KEYS[1], 'failures', failures, 'last', now)
redis.call('PEXPIRE', KEYS[1], window)
return failures
`;

/** Failure counts in Redis, shared by every server; keys expire as their counts lapse. */
export function redisThrottleStore(
  client: ThrottleRedisClient,
  options: { prefix?: string } = {},
): ThrottleStore {
  const prefix = options.prefix ?? "auth_throttle:";
  return {
    async get(id, now, windowMs) {
      const [failures, last] = await client.hmget(prefix + id, "failures", "last");
      if (failures == null || last == null || now - Number(last) >= windowMs) return null;
      return { failures: Number(failures), lastFailureAt: Number(last) };
    },
    async recordFailure(id, now, windowMs): Promise<ThrottleRecord> {
      const failures = await client.eval(RECORD_FAILURE, 1, prefix + id, now, windowMs);
      return { failures: Number(failures), lastFailureAt: now };
    },
    async reset(id) {
      await client.del(prefix + id);
    },
  };
}

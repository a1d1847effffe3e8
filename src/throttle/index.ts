/** Sign-in throttling: failure counts per key and per client address. */
export { SignInThrottle } from "./throttle.js";
export type { SignInThrottleOptions } from "./throttle.js";
export { memoryThrottleStore } from "./memory.js";
export { sqliteThrottleStore } from "./sqlite.js";
export { postgresThrottleStore } from "./postgres.js";
export { redisThrottleStore } from "./redis.js";
export type { ThrottleRedisClient } from "./redis.js";
export type { ThrottleRecord, ThrottleStore } from "./types.js";

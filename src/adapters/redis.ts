/**
 * Sessions in Redis, for `lucia({ adapter: { user: postgres(pool), session: redis(client) } })`.
 *
 * Written for ioredis 5: it ships ESM-friendly TypeScript types, reconnects by itself with
 * backoff, and runs Lua scripts and pipelines. node-redis (`redis` 4/5) is accepted through the
 * same one-method interface (`sendCommand`), as every call here is a raw command.
 * LIMITATION: the test suite runs ioredis only; node-redis is accepted but not tested.
 *
 * Layout, under a prefix (default `qwik_lucia:`):
 * - `<prefix>session:<id>`: the session row as JSON, expiring at its `idle_expires` (`PXAT`,
 *   milliseconds, so Redis drops it at the very millisecond the engine considers it dead);
 * - `<prefix>user_sessions:<userId>`: a sorted set of the user's session ids scored by
 *   `idle_expires`; dead ids are removed whenever it is read or written, and the set itself
 *   expires with the last of its sessions.
 *
 * LIMITATION: Redis Cluster is not supported: the scripts touch a user's index and sessions that
 * live in different hash slots.
 * LIMITATION: ioredis's `keyPrefix` option is refused (the scripts build keys themselves); use
 * the `prefix` option instead.
 */
import { createHash } from "node:crypto";
import { databaseFailure, LuciaError } from "../core/errors.js";
import type { SessionAdapter, SessionSchema } from "./types.js";

/** The one method the adapter needs: ioredis's `call` or node-redis's `sendCommand`. */
export type RedisClient =
  | { call(command: string, ...args: (string | number)[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> };

/** Options of `redis()`. */
export interface RedisSessionOptions {
  /** Prepended to every key; give each application (or test run) its own. */
  prefix?: string;
}

// Shared by the scripts: removes the dead ids of one index (and their sessions, should a clock
// differ from Redis's), then makes the index expire with its last session.
const HELPERS = `
local function sweep(index, now, prefix)
  local dead = redis.call('ZRANGEBYSCORE', index, '-inf', now)
  for _, id in ipairs(dead) do redis.call('DEL', prefix .. 'session:' .. id) end
  if #dead > 0 then redis.call('ZREMRANGEBYSCORE', index, '-inf', now) end
end
local function expire_index(index)
  local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', index, last[2]) end
end
`;

/** KEYS: session, index. ARGV: json, idle_expires, id, now, prefix. */
const SET_SESSION = `${HELPERS}
sweep(KEYS[2], ARGV[4], ARGV[5])
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
expire_index(KEYS[2])
return 1`;

/**
 * Compare-and-set. KEYS: session, new index, old index. ARGV: the JSON read before, the new
 * JSON, idle_expires, id, now, prefix. Writes only if the session is still exactly as read, so
 * a deleted session is never re-created and a concurrent write is never lost.
 */
const REPLACE_SESSION = `${HELPERS}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
if KEYS[3] ~= KEYS[2] then redis.call('ZREM', KEYS[3], ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
sweep(KEYS[2], ARGV[5], ARGV[6])
expire_index(KEYS[2])
return 1`;

/** KEYS: session. ARGV: id, prefix. */
const DELETE_SESSION = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[2] .. 'user_sessions:' .. cjson.decode(current)['user_id'], ARGV[1])
return 1`;

/** KEYS: index. ARGV: now, prefix. The user's live sessions, as JSON. */
const LIST_SESSIONS = `${HELPERS}
sweep(KEYS[1], ARGV[1], ARGV[2])
local sessions = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local session = redis.call('GET', ARGV[2] .. 'session:' .. id)
  if session then table.insert(sessions, session) else redis.call('ZREM', KEYS[1], id) end
end
return sessions`;

/** KEYS: index. ARGV: prefix. */
const DELETE_USER_SESSIONS = `
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  redis.call('DEL', ARGV[1] .. 'session:' .. id)
end
redis.call('DEL', KEYS[1])
return 1`;

/** KEYS: indexes. ARGV: now, prefix. */
const SWEEP = `${HELPERS}
for _, index in ipairs(KEYS) do sweep(index, ARGV[1], ARGV[2]) end
return 1`;

const sha1 = (script: string): string => createHash("sha1").update(script).digest("hex");

/** Escapes a prefix for `SCAN MATCH`, whose pattern treats `*?[]\` specially. */
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, "\\$&");

/** The expiry of a row as Redis wants it: a whole number of milliseconds. */
const expiryOf = (row: { idle_expires: number }): string =>
  String(Math.trunc(Number(row.idle_expires)));

const MAX_REPLACE_ATTEMPTS = 10;

/**
 * The Redis session store.
 *
 * @example
 * // Fail a command promptly while Redis is down (the defaults wait ~10 s); see docs/deploy.md.
 * const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
 * export const auth = lucia({ adapter: { user: postgres(pool), session: redis(client) } });
 */
export function redis(client: RedisClient, options: RedisSessionOptions = {}): SessionAdapter {
  const keyPrefix = (client as { options?: { keyPrefix?: unknown } }).options?.keyPrefix;
  if (typeof keyPrefix === "string" && keyPrefix !== "") {
    throw new TypeError(
      "redis(): the client's `keyPrefix` option is not supported; pass `{ prefix }` to redis()",
    );
  }
  const prefix = options.prefix ?? "qwik_lucia:";
  const sessionKey = (sessionId: string): string => `${prefix}session:${sessionId}`;
  const indexKey = (userId: string): string => `${prefix}user_sessions:${userId}`;

  const send = (args: (string | number)[]): Promise<unknown> =>
    "call" in client
      ? client.call(String(args[0]), ...args.slice(1))
      : client.sendCommand(args.map(String));

  // EVALSHA sends only the script's hash; after a restart or SCRIPT FLUSH, EVAL loads it again.
  const script = (source: string) => {
    const hash = sha1(source);
    return async (keys: string[], args: (string | number)[]): Promise<unknown> => {
      try {
        return await send(["EVALSHA", hash, keys.length, ...keys, ...args]);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return send(["EVAL", source, keys.length, ...keys, ...args]);
      }
    };
  };
  const setSession = script(SET_SESSION);
  const replaceSession = script(REPLACE_SESSION);
  const deleteSession = script(DELETE_SESSION);
  const listSessions = script(LIST_SESSIONS);
  const deleteUserSessions = script(DELETE_USER_SESSIONS);
  const sweep = script(SWEEP);

  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw databaseFailure(error);
    }
  };
  const read = async (sessionId: string): Promise<[string, SessionSchema] | null> => {
    const json = await send(["GET", sessionKey(sessionId)]);
    return typeof json === "string" ? [json, JSON.parse(json) as SessionSchema] : null;
  };

  /**
   * Read, change, compare-and-set; retried when another write came in between. `change` returns
   * null to give up (the session is not the one expected).
   */
  const replace = async (
    sessionId: string,
    change: (row: SessionSchema) => SessionSchema | null,
  ): Promise<boolean> => {
    for (let attempt = 0; attempt < MAX_REPLACE_ATTEMPTS; attempt++) {
      const current = await read(sessionId);
      if (!current) return false;
      const [json, row] = current;
      const next = change(row);
      if (!next) return false;
      const keys = [sessionKey(sessionId), indexKey(next.user_id), indexKey(row.user_id)];
      const args = [json, JSON.stringify(next), expiryOf(next), sessionId, Date.now(), prefix];
      if ((await replaceSession(keys, args)) === 1) return true;
    }
    throw new LuciaError("AUTH_DATABASE_FAILURE", "the session kept changing during an update");
  };

  return {
    getSession: (sessionId) => run(async () => (await read(sessionId))?.[1] ?? null),
    getSessionsByUserId: (userId) =>
      run(async () => {
        const rows = (await listSessions([indexKey(userId)], [Date.now(), prefix])) as string[];
        return rows
          .map((json) => JSON.parse(json) as SessionSchema)
          .filter((row) => row.user_id === userId);
      }),
    setSession: (row) =>
      run(async () => {
        const keys = [sessionKey(row.id), indexKey(row.user_id)];
        await setSession(keys, [JSON.stringify(row), expiryOf(row), row.id, Date.now(), prefix]);
      }),
    updateSession: (sessionId, partial) =>
      run(async () => {
        await replace(sessionId, (row) => ({ ...row, ...partial, id: row.id }) as SessionSchema);
      }),
    renewSession: (sessionId, renewal, expected) =>
      run(() =>
        replace(sessionId, (row) =>
          Number(row.active_expires) === expected ? { ...row, ...renewal } : null,
        ),
      ),
    deleteSession: (sessionId) =>
      run(async () => void (await deleteSession([sessionKey(sessionId)], [sessionId, prefix]))),
    deleteSessionsByUserId: (userId) =>
      run(async () => void (await deleteUserSessions([indexKey(userId)], [prefix]))),
    // Redis expires sessions by itself; this removes them early (a caller's clock may run ahead)
    // and clears the per-user indexes, one SCAN page at a time.
    deleteDeadSessions: (now, userId) =>
      run(async () => {
        if (userId !== undefined) {
          await sweep([indexKey(userId)], [now, prefix]);
          return;
        }
        let cursor = "0";
        do {
          const pattern = `${escapeGlob(prefix)}user_sessions:*`;
          const page = (await send(["SCAN", cursor, "MATCH", pattern, "COUNT", 500])) as [
            string,
            string[],
          ];
          cursor = page[0];
          if (page[1].length > 0) await sweep(page[1], [now, prefix]);
        } while (cursor !== "0");
      }),
  };
}

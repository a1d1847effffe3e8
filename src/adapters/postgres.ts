import type { FieldDef, Pool, PoolClient, QueryArrayConfig, QueryConfig } from "pg";
import { databaseFailure, LuciaError } from "../core/errors.js";
import { DEFAULT_TABLES, type PostgresTableNames } from "./postgres-schema.js";
import { quote } from "./sql.js";
import type { Adapter, KeySchema, SessionSchema, UserSchema } from "./types.js";

export { postgresSchema, type PostgresTableNames } from "./postgres-schema.js";

/** Maps constraint violations (SQLSTATE) to their codes; anything else is a database failure. */
function mapError(error: unknown, duplicate: "user" | "key" | "session"): LuciaError {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : "";
  if (code === "23503") {
    return new LuciaError("AUTH_INVALID_USER_ID", "no user has this id", { cause: error });
  }
  if (code === "23505" && duplicate === "key") {
    return new LuciaError("AUTH_DUPLICATE_KEY_ID", undefined, { cause: error });
  }
  if (code === "23505" && duplicate === "user") {
    return new LuciaError("AUTH_INVALID_USER_ID", "a user with this id exists", { cause: error });
  }
  return databaseFailure(error);
}

const INT8 = 20;

/**
 * `pg` returns BIGINT as a string, as it may not fit a double. Expiries (Unix milliseconds) and
 * most attribute values do: those become numbers; a value past 2^53 stays an exact string.
 */
function int8ToNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}

function withNumbers(rows: unknown[], fields: FieldDef[]): Row[] {
  const int8Columns = fields.filter((field) => field.dataTypeID === INT8).map((f) => f.name);
  if (int8Columns.length === 0) return rows as Row[];
  for (const row of rows as Row[]) {
    for (const column of int8Columns) row[column] = int8ToNumber(row[column]);
  }
  return rows as Row[];
}

// A short, stable statement name per SQL text: adapters with other table names on the same pool
// never reuse a name for a different text.
function statementName(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `qwik_lucia_${(hash >>> 0).toString(36)}`;
}

// An idle client whose connection drops emits `error` on the pool, which throws (and ends the
// process) when nobody listens. The pool has already discarded that client and will open a new
// one, so there is nothing left to do.
const guarded = new WeakSet<Pool>();
function ignoreIdleClientErrors(pool: Pool): void {
  if (guarded.has(pool) || typeof pool.on !== "function") return;
  guarded.add(pool);
  pool.on("error", () => {});
}

type Row = Record<string, unknown>;
type Queryable = Pick<PoolClient, "query">;

/**
 * The PostgreSQL adapter on node-postgres (`pg.Pool`). A validation is one joined query, sent
 * as a named prepared statement (parsed once per connection); a user and its key are inserted in
 * one transaction.
 *
 * LIMITATION: named prepared statements need a direct connection or PgBouncer 1.21+ with
 * `max_prepared_statements` set; older PgBouncer in transaction mode fails them.
 *
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await pool.query(postgresSchema());
 * export const auth = lucia({ adapter: postgres(pool) });
 */
export function postgres(pool: Pool, tables: Partial<PostgresTableNames> = {}): Adapter {
  const names = { ...DEFAULT_TABLES, ...tables };
  const user = quote(names.user);
  const key = quote(names.key);
  const session = quote(names.session);
  ignoreIdleClientErrors(pool);

  // A named statement whose tables changed shape (a column added) fails on every connection
  // that prepared it ("cached plan must not change result type", 0A000): rename and retry.
  let generation = 0;
  const statementNames = new Map<string, string>();
  const nameOf = (text: string): string => {
    let name = statementNames.get(text);
    if (name === undefined) statementNames.set(text, (name = statementName(text)));
    return `${name}_${generation}`;
  };
  const prepared = async (
    config: QueryConfig | QueryArrayConfig,
  ): Promise<{ rows: unknown[]; fields: FieldDef[]; rowCount: number | null }> => {
    try {
      return await pool.query({ ...config, name: nameOf(config.text) } as QueryConfig);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "0A000") throw error;
      generation++;
      return await pool.query({ ...config, name: nameOf(config.text) } as QueryConfig);
    }
  };
  const rows = async <R = Row>(text: string, values: unknown[]): Promise<R[]> => {
    const result = await prepared({ text, values });
    return withNumbers(result.rows, result.fields) as R[];
  };

  const insert = async (client: Queryable, table: string, row: Row): Promise<void> => {
    const columns = Object.keys(row);
    await client.query(
      `INSERT INTO ${table} (${columns.map(quote).join(", ")})
      VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
      columns.map((column) => row[column] ?? null),
    );
  };
  const update = async (table: string, id: string, partial: Row): Promise<void> => {
    const columns = Object.keys(partial).filter((column) => column !== "id");
    if (columns.length === 0) return;
    await pool.query(
      `UPDATE ${table}
      SET ${columns.map((column, i) => `${quote(column)} = $${i + 1}`).join(", ")}
      WHERE id = $${columns.length + 1}`,
      [...columns.map((column) => partial[column] ?? null), id],
    );
  };
  const run = async <T>(
    work: () => Promise<T>,
    duplicate: "user" | "key" | "session" = "session",
  ): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw mapError(error, duplicate);
    }
  };

  // Columns are split by the table they come from (`tableID`), as both tables have `id`:
  // arrays and no JSON, so attribute columns of either table come back with their own types.
  const joinedText = `SELECT ${session}.*, ${user}.*
    FROM ${session}
    INNER JOIN ${user} ON ${user}.id = ${session}.user_id
    WHERE ${session}.id = $1`;
  const getSessionAndUser = async (
    sessionId: string,
  ): Promise<[SessionSchema, UserSchema] | [null, null]> => {
    const result = await prepared({ text: joinedText, values: [sessionId], rowMode: "array" });
    const values = result.rows[0] as unknown[] | undefined;
    if (!values) return [null, null];
    const sessionTable = result.fields[0]!.tableID;
    const sessionRow: Row = {};
    const userRow: Row = {};
    result.fields.forEach((field, i) => {
      const value = field.dataTypeID === INT8 ? int8ToNumber(values[i]) : values[i];
      (field.tableID === sessionTable ? sessionRow : userRow)[field.name] = value;
    });
    return [sessionRow as SessionSchema, userRow as UserSchema];
  };

  const setUser = async (userRow: UserSchema, keyRow: KeySchema | null): Promise<void> => {
    const client = await pool.connect();
    // The pool listens for errors of idle clients only: a connection lost while this one is
    // checked out would be thrown at the process without a listener of our own.
    let broken: Error | undefined;
    const onError = (error: Error): void => void (broken ??= error);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      await insert(client, user, userRow).catch((error: unknown) => {
        throw mapError(error, "user");
      });
      if (keyRow) {
        await insert(client, key, keyRow as unknown as Row).catch((error: unknown) => {
          throw mapError(error, "key");
        });
      }
      await client.query("COMMIT");
    } catch (error) {
      // A connection that cannot roll back is destroyed, not returned to the pool.
      await client.query("ROLLBACK").catch((rollbackError: Error) => (broken ??= rollbackError));
      throw error;
    } finally {
      // A broken client keeps the listener: it may still report errors while it closes.
      if (!broken) client.off("error", onError);
      client.release(broken);
    }
  };

  return {
    getSessionAndUser: (sessionId) => run(() => getSessionAndUser(sessionId)),

    getUser: (userId) =>
      run(
        async () =>
          (await rows<UserSchema>(`SELECT * FROM ${user} WHERE id = $1`, [userId]))[0] ?? null,
      ),
    setUser: (userRow, keyRow) => run(() => setUser(userRow, keyRow), "user"),
    updateUser: (userId, partial) => run(() => update(user, userId, partial)),
    // One statement is atomic: both deletes see one snapshot, and the foreign keys are checked
    // at its end.
    deleteUser: (userId) =>
      run(async () => {
        await rows(
          `WITH deleted_keys AS (DELETE FROM ${key} WHERE user_id = $1)
          DELETE FROM ${user} WHERE id = $1`,
          [userId],
        );
      }),

    getKey: (keyId) =>
      run(
        async () =>
          (await rows<KeySchema>(`SELECT * FROM ${key} WHERE id = $1`, [keyId]))[0] ?? null,
      ),
    getKeysByUserId: (userId) =>
      run(() => rows<KeySchema>(`SELECT * FROM ${key} WHERE user_id = $1`, [userId])),
    setKey: (keyRow) => run(() => insert(pool, key, keyRow as unknown as Row), "key"),
    updateKey: (keyId, partial) => run(() => update(key, keyId, partial)),
    deleteKey: (keyId) =>
      run(async () => void (await rows(`DELETE FROM ${key} WHERE id = $1`, [keyId]))),
    deleteKeysByUserId: (userId) =>
      run(async () => void (await rows(`DELETE FROM ${key} WHERE user_id = $1`, [userId]))),

    getSession: (sessionId) =>
      run(async () => {
        const [row] = await rows<SessionSchema>(`SELECT * FROM ${session} WHERE id = $1`, [
          sessionId,
        ]);
        return row ?? null;
      }),
    getSessionsByUserId: (userId) =>
      run(async () => rows<SessionSchema>(`SELECT * FROM ${session} WHERE user_id = $1`, [userId])),
    setSession: (sessionRow) => run(() => insert(pool, session, sessionRow)),
    updateSession: (sessionId, partial) => run(() => update(session, sessionId, partial)),
    renewSession: (sessionId, renewal, expected) =>
      run(async () => {
        const result = await prepared({
          text: `UPDATE ${session}
            SET active_expires = $1, idle_expires = $2
            WHERE id = $3 AND active_expires = $4`,
          values: [renewal.active_expires, renewal.idle_expires, sessionId, expected],
        });
        return result.rowCount === 1;
      }),
    deleteSession: (sessionId) =>
      run(async () => void (await rows(`DELETE FROM ${session} WHERE id = $1`, [sessionId]))),
    deleteSessionsByUserId: (userId) =>
      run(async () => void (await rows(`DELETE FROM ${session} WHERE user_id = $1`, [userId]))),
    deleteDeadSessions: (now, userId) =>
      run(async () => {
        if (userId === undefined) {
          await rows(`DELETE FROM ${session} WHERE idle_expires <= $1`, [now]);
        } else {
          await rows(`DELETE FROM ${session} WHERE user_id = $1 AND idle_expires <= $2`, [
            userId,
            now,
          ]);
        }
      }),
  };
}

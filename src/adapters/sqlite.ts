import type { Database, Statement } from "better-sqlite3";
import { databaseFailure, LuciaError } from "../core/errors.js";
import type { Adapter, KeySchema, SessionSchema, UserSchema } from "./types.js";
import { quote } from "./sql.js";

/** Table names; Lucia v2's by default, so its databases work unchanged. */
export interface SqliteTableNames {
  user: string;
  key: string;
  session: string;
}

const DEFAULT_TABLES: SqliteTableNames = { user: "user", key: "user_key", session: "user_session" };

/**
 * The SQL of Lucia v2's schema (plus two indexes), for `db.exec()`. Add your own attribute
 * columns to the user and session tables.
 */
export function sqliteSchema(tables: Partial<SqliteTableNames> = {}): string {
  const { user, key, session } = { ...DEFAULT_TABLES, ...tables };
  const name = (table: string): string => table.split(".").pop() ?? table;
  return `
CREATE TABLE IF NOT EXISTS ${quote(user)} (
  id TEXT NOT NULL PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS ${quote(key)} (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES ${quote(name(user))}(id),
  hashed_password TEXT
);
CREATE TABLE IF NOT EXISTS ${quote(session)} (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES ${quote(name(user))}(id),
  active_expires INTEGER NOT NULL,
  idle_expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ${quote(`${name(key)}_user_id`)}
  ON ${quote(name(key))} (user_id);
CREATE INDEX IF NOT EXISTS ${quote(`${name(session)}_user_id`)}
  ON ${quote(name(session))} (user_id);
`;
}

function sqliteCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
}

/** Maps constraint violations to their codes; any other failure is a database failure. */
function mapError(error: unknown, duplicate: "user" | "key" | "session"): LuciaError {
  const code = sqliteCode(error);
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return new LuciaError("AUTH_INVALID_USER_ID", "no user has this id", { cause: error });
  }
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    if (duplicate === "key")
      return new LuciaError("AUTH_DUPLICATE_KEY_ID", undefined, { cause: error });
    if (duplicate === "user") {
      return new LuciaError("AUTH_INVALID_USER_ID", "a user with this id exists", { cause: error });
    }
  }
  return databaseFailure(error);
}

type Row = Record<string, unknown>;

/**
 * The SQLite adapter on better-sqlite3: every statement is prepared once and reused, and a
 * validation is one joined query. Turns on `foreign_keys` for the connection it is given.
 *
 * @example
 * const db = new Database("app.db");
 * db.exec(sqliteSchema());
 * export const auth = lucia({ adapter: sqlite(db) });
 */
export function sqlite(db: Database, tables: Partial<SqliteTableNames> = {}): Adapter {
  const names = { ...DEFAULT_TABLES, ...tables };
  const user = quote(names.user);
  const key = quote(names.key);
  const session = quote(names.session);
  db.pragma("foreign_keys = ON");

  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const insert = (table: string, row: Row): void => {
    const columns = Object.keys(row);
    const sql = `INSERT INTO ${table} (${columns.map(quote).join(", ")})
      VALUES (${columns.map(() => "?").join(", ")})`;
    prepare(sql).run(...columns.map((column) => toSqlite(row[column])));
  };
  const update = (table: string, id: string, partial: Row): void => {
    const columns = Object.keys(partial).filter((column) => column !== "id");
    if (columns.length === 0) return;
    const sql = `UPDATE ${table}
      SET ${columns.map((column) => `${quote(column)} = ?`).join(", ")}
      WHERE id = ?`;
    prepare(sql).run(...columns.map((column) => toSqlite(partial[column])), id);
  };

  // Runs synchronous driver work as a rejected promise on failure, never a synchronous throw.
  const run = async <T>(work: () => T, duplicate: "user" | "key" | "session" = "session") => {
    try {
      return work();
    } catch (error) {
      throw mapError(error, duplicate);
    }
  };

  // Prepared on first use (the tables may not exist when the adapter is created); `raw` rows
  // are split by table, as the two tables share column names (id).
  const sessionTable = names.session.split(".").pop() ?? names.session;
  let joined: Statement | null = null;
  let joinedColumns: { name: string; fromSession: boolean }[] = [];
  const getJoinedRow = (sessionId: string): [SessionSchema, UserSchema] | [null, null] => {
    joined ??= db
      .prepare(
        `SELECT ${session}.*, ${user}.*
        FROM ${session}
        INNER JOIN ${user} ON ${user}.id = ${session}.user_id
        WHERE ${session}.id = ?`,
      )
      .raw(true);
    const values = joined.get(sessionId) as unknown[] | undefined;
    if (!values) return [null, null];
    if (joinedColumns.length !== values.length) {
      joinedColumns = joined.columns().map((column) => ({
        name: column.name,
        fromSession: column.table === sessionTable,
      }));
    }
    const sessionRow: Row = {};
    const userRow: Row = {};
    for (let i = 0; i < values.length; i++) {
      const column = joinedColumns[i]!;
      (column.fromSession ? sessionRow : userRow)[column.name] = values[i];
    }
    return [sessionRow as SessionSchema, userRow as UserSchema];
  };

  const setUserAndKey = db.transaction((userRow: UserSchema, keyRow: KeySchema | null) => {
    try {
      insert(user, userRow);
    } catch (error) {
      throw mapError(error, "user");
    }
    if (keyRow) {
      try {
        insert(key, keyRow as unknown as Row);
      } catch (error) {
        throw mapError(error, "key");
      }
    }
  });
  const deleteUserAndKeys = db.transaction((userId: string) => {
    prepare(`DELETE FROM ${key} WHERE user_id = ?`).run(userId);
    prepare(`DELETE FROM ${user} WHERE id = ?`).run(userId);
  });

  return {
    getSessionAndUser: (sessionId) => run(() => getJoinedRow(sessionId)),

    getUser: (userId) =>
      run(() => (prepare(`SELECT * FROM ${user} WHERE id = ?`).get(userId) as UserSchema) ?? null),
    setUser: (userRow, keyRow) => run(() => setUserAndKey(userRow, keyRow), "user"),
    updateUser: (userId, partial) => run(() => update(user, userId, partial)),
    deleteUser: (userId) => run(() => void deleteUserAndKeys(userId)),

    getKey: (keyId) =>
      run(() => (prepare(`SELECT * FROM ${key} WHERE id = ?`).get(keyId) as KeySchema) ?? null),
    getKeysByUserId: (userId) =>
      run(() => prepare(`SELECT * FROM ${key} WHERE user_id = ?`).all(userId) as KeySchema[]),
    setKey: (keyRow) => run(() => insert(key, keyRow as unknown as Row), "key"),
    updateKey: (keyId, partial) => run(() => update(key, keyId, partial)),
    deleteKey: (keyId) => run(() => void prepare(`DELETE FROM ${key} WHERE id = ?`).run(keyId)),
    deleteKeysByUserId: (userId) =>
      run(() => void prepare(`DELETE FROM ${key} WHERE user_id = ?`).run(userId)),

    getSession: (sessionId) =>
      run(
        () =>
          (prepare(`SELECT * FROM ${session} WHERE id = ?`).get(sessionId) as SessionSchema) ??
          null,
      ),
    getSessionsByUserId: (userId) =>
      run(
        () => prepare(`SELECT * FROM ${session} WHERE user_id = ?`).all(userId) as SessionSchema[],
      ),
    setSession: (sessionRow) => run(() => insert(session, sessionRow)),
    updateSession: (sessionId, partial) => run(() => update(session, sessionId, partial)),
    renewSession: (sessionId, renewal, expected) =>
      run(() => {
        const result = prepare(
          `UPDATE ${session}
          SET active_expires = ?, idle_expires = ?
          WHERE id = ? AND active_expires = ?`,
        ).run(renewal.active_expires, renewal.idle_expires, sessionId, expected);
        return result.changes === 1;
      }),
    deleteSession: (sessionId) =>
      run(() => void prepare(`DELETE FROM ${session} WHERE id = ?`).run(sessionId)),
    deleteSessionsByUserId: (userId) =>
      run(() => void prepare(`DELETE FROM ${session} WHERE user_id = ?`).run(userId)),
    deleteDeadSessions: (now, userId) =>
      run(() => {
        if (userId === undefined) {
          prepare(`DELETE FROM ${session} WHERE idle_expires <= ?`).run(now);
        } else {
          prepare(`DELETE FROM ${session} WHERE user_id = ? AND idle_expires <= ?`).run(
            userId,
            now,
          );
        }
      }),
  };
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans become 0/1. */
function toSqlite(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  return value === undefined ? null : value;
}

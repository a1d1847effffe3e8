/** The schema of the PostgreSQL adapter: table names and the DDL. */
import { quote } from "./sql.js";

/** Table names, optionally schema-qualified (`"auth.user"`); Lucia v2's by default. */
export interface PostgresTableNames {
  user: string;
  key: string;
  session: string;
}

// Lucia v2's documented PostgreSQL names: `user` is a reserved word in PostgreSQL.
export const DEFAULT_TABLES: PostgresTableNames = {
  user: "auth_user",
  key: "user_key",
  session: "user_session",
};

/**
 * The SQL of Lucia v2's PostgreSQL schema (plus indexes on `user_id`), for `pool.query()`.
 * Creates the schemas of qualified names. Add your own attribute columns to the user and session
 * tables.
 */
export function postgresSchema(tables: Partial<PostgresTableNames> = {}): string {
  const { user, key, session } = { ...DEFAULT_TABLES, ...tables };
  const schemas = new Set(
    [user, key, session].filter((name) => name.includes(".")).map((name) => name.split(".")[0]!),
  );
  const index = (table: string): string => quote(`${table.split(".").pop()}_user_id`);
  return `
${[...schemas].map((schema) => `CREATE SCHEMA IF NOT EXISTS ${quote(schema)};`).join("\n")}
CREATE TABLE IF NOT EXISTS ${quote(user)} (
  id TEXT NOT NULL PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS ${quote(key)} (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES ${quote(user)}(id),
  hashed_password TEXT
);
CREATE TABLE IF NOT EXISTS ${quote(session)} (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES ${quote(user)}(id),
  active_expires BIGINT NOT NULL,
  idle_expires BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index(key)} ON ${quote(key)} (user_id);
CREATE INDEX IF NOT EXISTS ${index(session)} ON ${quote(session)} (user_id);
`;
}

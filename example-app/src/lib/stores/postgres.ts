import pg from "pg";
import { LuciaError, postgresThrottleStore, type Adapter, type ThrottleStore } from "qwik-lucia";
import { postgres, postgresSchema, type PostgresTableNames } from "qwik-lucia/adapters/postgres";
import { afterReady } from "./ready";

/** The app's stores in PostgreSQL: users, keys and sessions, and sign-in failure counts. */
export interface PostgresStores {
  pool: pg.Pool;
  adapter: Adapter;
  throttle: ThrottleStore;
}

// Any number taken by no other code of this database: every server starting at once creates the
// schema under this lock, one after the other (concurrent CREATE TABLE IF NOT EXISTS can fail).
const SCHEMA_LOCK = 0x71_6c_75_63;

/** `DATABASE_SCHEMA`, checked: a plain identifier, or none (the connection's search path). */
function schemaName(): string | null {
  const schema = process.env["DATABASE_SCHEMA"];
  if (!schema) return null;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(
      `DATABASE_SCHEMA must be a lower-case identifier (letters, digits, '_'), got "${schema}"`,
    );
  }
  return schema;
}

/** Lucia v2's tables and the app's attribute columns; every statement is safe to run again. */
function migrations(tables: PostgresTableNames, throttleTable: string): string {
  const [user, session] = [tables.user, tables.session].map(quote);
  const usernameIndex = quote(`${tables.user.split(".").pop()}_username`);
  return `
${postgresSchema(tables)}
ALTER TABLE ${user}
  ADD COLUMN IF NOT EXISTS username TEXT,
  ADD COLUMN IF NOT EXISTS display_name TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX IF NOT EXISTS ${usernameIndex} ON ${user} (username);
ALTER TABLE ${session}
  ADD COLUMN IF NOT EXISTS created_at BIGINT NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS ${quote(throttleTable)} (
  id TEXT NOT NULL PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at BIGINT NOT NULL
);
`;
}

function quote(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join(".");
}

async function migrate(pool: pg.Pool, sql: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    await client.query(sql);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Opens a pool on `DATABASE_URL` (in `DATABASE_SCHEMA` when set) and creates the schema on
 * start. Queries wait for the schema; if the database is down at start, they fail with
 * `AUTH_DATABASE_FAILURE` (a 503) and the next one tries again.
 */
export function openPostgres(url: string): PostgresStores {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
  });
  const schema = schemaName();
  const qualify = (table: string): string => (schema ? `${schema}.${table}` : table);
  const tables = {
    user: qualify("auth_user"),
    key: qualify("user_key"),
    session: qualify("user_session"),
  };
  const throttleTable = qualify("auth_throttle");

  let schemaReady: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    schemaReady ??= migrate(pool, migrations(tables, throttleTable)).catch((cause: unknown) => {
      schemaReady = null;
      throw new LuciaError("AUTH_DATABASE_FAILURE", "creating the schema failed", { cause });
    });
    return schemaReady;
  };
  void ready().catch(() => {});

  return {
    pool,
    adapter: afterReady(postgres(pool, tables), ready),
    throttle: afterReady(postgresThrottleStore(pool, throttleTable), ready),
  };
}

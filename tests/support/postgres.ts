import pg from "pg";
import { postgres, postgresSchema, type PostgresTableNames } from "../../src/adapters/postgres.js";
import type { Adapter } from "../../src/adapters/types.js";
import { POSTGRES_URL } from "./services.js";

/** A throwaway PostgreSQL schema with Lucia v2's tables and the contract's attribute columns. */
export interface TestDatabase {
  pool: pg.Pool;
  schema: string;
  tables: PostgresTableNames;
  adapter: Adapter;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/** A fresh schema per call (`qwik_lucia_test_<pid>_<random>`), so runs never collide. */
export async function openTestDatabase(poolOptions: pg.PoolConfig = {}): Promise<TestDatabase> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 4, ...poolOptions });
  const schema = `qwik_lucia_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const tables = {
    user: `${schema}.auth_user`,
    key: `${schema}.user_key`,
    session: `${schema}.user_session`,
  };
  await pool.query(postgresSchema(tables));
  await pool.query(`ALTER TABLE ${schema}.auth_user ADD COLUMN username TEXT`);
  await pool.query(`ALTER TABLE ${schema}.user_session ADD COLUMN created_at BIGINT`);
  return {
    pool,
    schema,
    tables,
    adapter: postgres(pool, tables),
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

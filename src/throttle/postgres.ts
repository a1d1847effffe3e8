import type { Pool } from "pg";
import { quote } from "../adapters/sql.js";
import type { ThrottleRecord, ThrottleStore } from "./types.js";

const SWEEP_EVERY = 500;

/** Failure counts in a PostgreSQL table (created on first use), shared by every server. */
export function postgresThrottleStore(pool: Pool, table = "auth_throttle"): ThrottleStore {
  const name = quote(table);
  let ready: Promise<unknown> | null = null;
  const query = async (text: string, values: unknown[]) => {
    ready ??= pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${name} (
          id TEXT NOT NULL PRIMARY KEY,
          failures INTEGER NOT NULL,
          last_failure_at BIGINT NOT NULL
        )`,
      )
      .catch((error: unknown) => {
        ready = null;
        throw error;
      });
    await ready;
    return pool.query<{ failures: number; last_failure_at: string }>(text, values);
  };
  const toRecord = (row: { failures: number; last_failure_at: string }): ThrottleRecord => ({
    failures: row.failures,
    lastFailureAt: Number(row.last_failure_at),
  });
  let failuresSinceSweep = 0;

  return {
    async get(id, now, windowMs) {
      const result = await query(
        `SELECT failures, last_failure_at FROM ${name}
        WHERE id = $1 AND $2::bigint - last_failure_at < $3::bigint`,
        [id, now, windowMs],
      );
      const row = result.rows[0];
      return row ? toRecord(row) : null;
    },
    async recordFailure(id, now, windowMs) {
      if (++failuresSinceSweep >= SWEEP_EVERY) {
        failuresSinceSweep = 0;
        await query(`DELETE FROM ${name} WHERE $1::bigint - last_failure_at >= $2::bigint`, [
          now,
          windowMs,
        ]);
      }
      const result = await query(
        `INSERT INTO ${name} AS t (id, failures, last_failure_at) VALUES ($1, 1, $2)
        ON CONFLICT (id) DO UPDATE SET
          failures = CASE WHEN EXCLUDED.last_failure_at - t.last_failure_at < $3::bigint
            THEN t.failures + 1 ELSE 1 END,
          last_failure_at = EXCLUDED.last_failure_at
        RETURNING failures, last_failure_at`,
        [id, now, windowMs],
      );
      return toRecord(result.rows[0]!);
    },
    async reset(id) {
      await query(`DELETE FROM ${name} WHERE id = $1`, [id]);
    },
  };
}

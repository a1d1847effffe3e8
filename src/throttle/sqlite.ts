import type { Database } from "better-sqlite3";
import { quote } from "../adapters/sql.js";
import type { ThrottleRecord, ThrottleStore } from "./types.js";

// One sweep of lapsed rows per this many recorded failures keeps the table small.
const SWEEP_EVERY = 500;

/** Failure counts in a SQLite table (created on first use), shared by every process on it. */
export function sqliteThrottleStore(db: Database, table = "auth_throttle"): ThrottleStore {
  const name = quote(table);
  db.exec(`CREATE TABLE IF NOT EXISTS ${name} (
    id TEXT NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
  )`);
  const select = db.prepare(
    `SELECT failures, last_failure_at AS lastFailureAt FROM ${name}
    WHERE id = ? AND ? - last_failure_at < ?`,
  );
  // One statement, so concurrent processes never lose a failure.
  const increment = db.prepare(
    `INSERT INTO ${name} (id, failures, last_failure_at) VALUES (?, 1, ?)
    ON CONFLICT (id) DO UPDATE SET
      failures = CASE WHEN excluded.last_failure_at - last_failure_at < ?
        THEN failures + 1 ELSE 1 END,
      last_failure_at = excluded.last_failure_at
    RETURNING failures, last_failure_at AS lastFailureAt`,
  );
  const remove = db.prepare(`DELETE FROM ${name} WHERE id = ?`);
  const sweep = db.prepare(`DELETE FROM ${name} WHERE ? - last_failure_at >= ?`);
  let failuresSinceSweep = 0;

  return {
    async get(id, now, windowMs) {
      return (select.get(id, now, windowMs) as ThrottleRecord | undefined) ?? null;
    },
    async recordFailure(id, now, windowMs) {
      if (++failuresSinceSweep >= SWEEP_EVERY) {
        failuresSinceSweep = 0;
        sweep.run(now, windowMs);
      }
      return increment.get(id, now, windowMs) as ThrottleRecord;
    },
    async reset(id) {
      remove.run(id);
    },
  };
}

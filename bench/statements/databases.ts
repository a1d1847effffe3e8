/**
 * The two libraries on the benchmark's SQLite file, through a connection that counts every
 * statement it runs (better-sqlite3's `verbose` hook).
 */
import { qwikLuciaOn, openDatabase } from "../sqlite-fixture.js";
import { luciaV2 } from "../lucia-v2.js";

let statements = 0;

/** Statements run so far on this connection. */
export function statementCount(): number {
  return statements;
}

export const db = openDatabase(process.env["BENCH_DATABASE"] ?? ":memory:", () => statements++);
export const auth = qwikLuciaOn(db);
export const authV2 = luciaV2(db);

import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import { runAdapterContract, type ContractStore } from "./adapter-contract.js";

/** Lucia v2's schema plus the attribute columns the contract uses. */
export function openSqlite(filename: string): { db: Database.Database; store: ContractStore } {
  const db = new Database(filename);
  db.pragma("journal_mode = WAL");
  db.exec(sqliteSchema());
  db.exec(`ALTER TABLE "user" ADD COLUMN username TEXT`);
  db.exec(`ALTER TABLE "user_session" ADD COLUMN created_at INTEGER`);
  return { db, store: { adapter: sqlite(db), teardown: () => void db.close() } };
}

runAdapterContract("SQLite file", async () => {
  const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-contract-"));
  const { store } = openSqlite(join(directory, "auth.db"));
  return {
    adapter: store.adapter,
    teardown: () => {
      store.teardown?.();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

runAdapterContract("SQLite :memory:", async () => openSqlite(":memory:").store);

import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sqliteSchema } from "qwik-lucia/adapters/sqlite";

// The app's own columns, added to the library's schema; each runs once.
const MIGRATIONS: { table: string; column: string; definition: string }[] = [
  { table: "user", column: "username", definition: "TEXT NOT NULL DEFAULT ''" },
  { table: "user", column: "display_name", definition: "TEXT NOT NULL DEFAULT ''" },
  { table: "user_session", column: "created_at", definition: "INTEGER NOT NULL DEFAULT 0" },
];

/** `DATABASE_PATH`, else `example-app/data/app.db`. */
function databasePath(): string {
  const configured = process.env["DATABASE_PATH"];
  if (configured) return resolve(configured);
  // This module runs from src/lib/ (dev server) or bundled into server/ (npm start).
  const here = dirname(fileURLToPath(import.meta.url));
  const appRoot = resolve(here, basename(here) === "server" ? ".." : "../..");
  return resolve(appRoot, "data", "app.db");
}

/** Opens the SQLite file, creating and migrating it on first start. */
export function openDatabase(): Database.Database {
  const path = databasePath();
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec(sqliteSchema());
  for (const { table, column, definition } of MIGRATIONS) {
    const columns = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[];
    if (!columns.some((existing) => existing.name === column)) {
      db.exec(`ALTER TABLE "${table}" ADD COLUMN "${column}" ${definition}`);
    }
  }
  return db;
}

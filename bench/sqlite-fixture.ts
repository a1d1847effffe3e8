/**
 * The shared SQLite data: one file in WAL mode with 10,000 users, 10,000 qwik-lucia sessions and
 * 10,000 Lucia v2 sessions, each library's sessions created through its own API.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lucia } from "../src/index.js";
import { sqlite, sqliteSchema } from "../src/adapters/sqlite.js";
import { luciaV2, type LuciaV2 } from "./lucia-v2.js";

export const USER_COUNT = 10_000;

export interface SqliteFixture {
  file: string;
  db: Database.Database;
  userIds: string[];
  /** qwik-lucia cookie tokens (the database holds their SHA-256). */
  tokens: string[];
  /** Lucia v2 session ids (stored as they are). */
  luciaV2SessionIds: string[];
  close(): void;
}

/** Opens a SQLite file the way an application would: WAL, and `synchronous = NORMAL` with it. */
export function openDatabase(file: string, verbose?: (sql: unknown) => void): Database.Database {
  const db = new Database(file, verbose ? { verbose } : {});
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  return db;
}

/** qwik-lucia on `db`, with the same user attributes as Lucia v2's, and its Qwik middleware. */
export function qwikLuciaOn(db: Database.Database) {
  return lucia({
    adapter: sqlite(db),
    getUserAttributes: (user) => ({ username: String(user["username"]) }),
  });
}

/** Creates the file in a fresh temporary folder; `close()` deletes it. */
export async function createSqliteFixture(userCount = USER_COUNT): Promise<SqliteFixture> {
  const folder = mkdtempSync(join(tmpdir(), "qwik-lucia-bench-"));
  const file = join(folder, "bench.db");
  const db = openDatabase(file);
  db.exec(sqliteSchema());
  db.exec(`ALTER TABLE "user" ADD COLUMN username TEXT NOT NULL DEFAULT ''`);

  const userIds = Array.from({ length: userCount }, (_, i) => `user${String(i).padStart(6, "0")}`);
  const insertUser = db.prepare(`INSERT INTO "user" (id, username) VALUES (?, ?)`);
  db.transaction(() => {
    for (const id of userIds) insertUser.run(id, `name-of-${id}`);
  })();

  const auth = qwikLuciaOn(db);
  const tokens: string[] = [];
  for (const userId of userIds) {
    const session = await auth.createSession({ userId, attributes: {} });
    tokens.push(session.token!);
  }
  const v2 = luciaV2(db);
  const luciaV2SessionIds: string[] = [];
  for (const userId of userIds) {
    luciaV2SessionIds.push((await v2.createSession({ userId, attributes: {} })).sessionId);
  }
  db.pragma("wal_checkpoint(TRUNCATE)");

  return {
    file,
    db,
    userIds,
    tokens,
    luciaV2SessionIds,
    close: () => {
      db.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export type { LuciaV2 };

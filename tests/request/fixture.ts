import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lucia, type Auth } from "../../src/core/auth.js";
import type { Configuration } from "../../src/core/config.js";
import type { Session } from "../../src/core/types.js";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";

export const DAY = 24 * 60 * 60 * 1000;

/** A real SQLite file with a counter of every statement better-sqlite3 executes on it. */
export interface CountedDatabase {
  readonly file: string;
  readonly db: Database.Database;
  /** Statements executed since the last `reset()`. */
  readonly count: number;
  /** Their SQL, for failure messages. */
  readonly log: readonly string[];
  reset(): void;
  /** Makes every session lookup fail (the table disappears), until `recover()`. */
  breakSessions(): void;
  recover(): void;
  close(): void;
}

export function countedDatabase(): CountedDatabase {
  const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-request-"));
  const file = join(directory, "auth.db");
  const log: string[] = [];
  const db = new Database(file, { verbose: (sql) => log.push(String(sql)) });
  db.pragma("journal_mode = WAL");
  db.exec(sqliteSchema());
  // A second connection, as an operator or a failing migration would be.
  const operator = (): Database.Database => new Database(file);
  log.length = 0;
  return {
    file,
    db,
    get count() {
      return log.length;
    },
    log,
    reset: () => void (log.length = 0),
    breakSessions: () => {
      const other = operator();
      other.exec(`ALTER TABLE "user_session" RENAME TO "user_session_away"`);
      other.close();
    },
    recover: () => {
      const other = operator();
      other.exec(`ALTER TABLE "user_session_away" RENAME TO "user_session"`);
      other.close();
    },
    close: () => {
      if (db.open) db.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** An `auth` over the counted database, with the given middleware and options. */
export function createAuth<C extends Omit<Configuration, "adapter">>(
  database: CountedDatabase,
  config: C,
): Auth<C & { adapter: Configuration["adapter"] }> {
  return lucia({ adapter: sqlite(database.db), ...config }) as never;
}

/** A fresh user with a fresh session (its `token` is the cookie value). */
export async function signedInSession(auth: Auth<any>): Promise<Session> {
  const user = await auth.createUser({ key: null, attributes: {} });
  return auth.createSession({ userId: user.userId, attributes: {} });
}

/** A `Set-Cookie` value split into its name, value and attributes (names lower-cased). */
export interface ParsedCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): ParsedCookie {
  const [pair = "", ...parts] = header.split(";").map((part) => part.trim());
  const equals = pair.indexOf("=");
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const index = part.indexOf("=");
    if (index === -1) attributes[part.toLowerCase()] = true;
    else attributes[part.slice(0, index).toLowerCase()] = part.slice(index + 1);
  }
  return { name: pair.slice(0, equals), value: pair.slice(equals + 1), attributes };
}

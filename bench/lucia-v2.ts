/** Lucia v2, the library users switch from, set up on the same database as qwik-lucia. */
import { betterSqlite3 } from "@lucia-auth/adapter-sqlite";
import type { Database } from "better-sqlite3";
import { lucia, type Middleware } from "lucia";
import { qwik } from "lucia/middleware";

declare global {
  // Lucia v2 types its attributes through this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Lucia {
    type Auth = LuciaV2;
    type DatabaseUserAttributes = { username: string };
    type DatabaseSessionAttributes = Record<never, never>;
  }
}

const TABLES = { user: "user", key: "user_key", session: "user_session" };

/** Lucia v2 on `db`, with its Qwik City middleware unless another is given. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function luciaV2<M extends Middleware = ReturnType<typeof qwik>>(
  db: Database,
  middleware?: M,
) {
  return lucia({
    adapter: betterSqlite3(db as never, TABLES),
    env: "PROD",
    middleware: (middleware ?? qwik()) as M,
    getUserAttributes: (user) => ({ username: user.username }),
  });
}

export type LuciaV2 = ReturnType<typeof luciaV2>;

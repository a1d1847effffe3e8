import { lucia, type Auth, type SessionOf, type UserOf } from "qwik-lucia";
import { storesFromEnvironment } from "./stores";

declare module "qwik-lucia" {
  interface Register {
    DatabaseUserAttributes: { username: string; display_name: string };
    DatabaseSessionAttributes: { created_at: number };
  }
}

// The one place that picks the stores: PostgreSQL through DATABASE_URL, Redis sessions through
// REDIS_URL, else SQLite (see ./stores). Failed sign-ins are counted in the shared store.
function createAdapter() {
  return storesFromEnvironment();
}

const stores = createAdapter();
const activePeriod = Number(process.env["SESSION_ACTIVE_PERIOD_MS"]) || undefined;

export const auth = lucia({
  adapter: stores.adapter,
  signInThrottle: stores.signInThrottle,
  // Short active periods let tests see a renewal without waiting a day; idle stays 14 days.
  ...(activePeriod && {
    sessionExpiresIn: { activePeriod, idlePeriod: 14 * 24 * 60 * 60 * 1000 },
  }),
  getUserAttributes: (user) => ({ username: user.username, displayName: user.display_name }),
  getSessionAttributes: (session) => ({ createdAt: new Date(Number(session.created_at)) }),
});

// Dead sessions are refused anyway; sweeping them hourly only keeps the table small (Redis
// expires its own). `unref` lets the process exit while the timer waits.
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
setInterval(() => {
  auth.deleteExpiredSessions().catch((error: unknown) => {
    console.error(`sweeping expired sessions failed: ${(error as Error).message}`);
  });
}, SWEEP_INTERVAL_MS).unref();

type AuthConfig = typeof auth extends Auth<infer C> ? C : never;
/** A user of this app: `{ userId, username, displayName }`. */
export type AppUser = UserOf<AuthConfig>;
/** A session of this app, with its `createdAt`. */
export type AppSession = SessionOf<AuthConfig>;

/** The provider of username + password keys. */
export const USERNAME_PROVIDER = "username";

/** Starts a session for `userId`, recording when it began (shown on the sessions page). */
export function startSession(userId: string): Promise<AppSession> {
  return auth.createSession({ userId, attributes: { created_at: Date.now() } });
}

/**
 * The storage contract. Every adapter stores Lucia v2's three tables: users, keys and sessions.
 * Rows use the column names of Lucia v2's schema so an existing Lucia v2 database works as is.
 */

/** A user row: `id` plus the application's own attribute columns. */
export type UserSchema = { id: string } & Record<string, unknown>;

/** A key row. `id` is `providerId:providerUserId`; `hashed_password` is null for OAuth keys. */
export interface KeySchema {
  id: string;
  user_id: string;
  hashed_password: string | null;
}

/**
 * A session row. `id` is the SHA-256 of the cookie token (hex), never the token itself.
 * Expiries are Unix times in milliseconds.
 */
export type SessionSchema = {
  id: string;
  user_id: string;
  active_expires: number;
  idle_expires: number;
} & Record<string, unknown>;

/** The new expiries written when an idle session is renewed in place. */
export interface SessionRenewal {
  active_expires: number;
  idle_expires: number;
}

/**
 * Stores users and keys. Errors are reported by throwing `LuciaError`:
 * `AUTH_DUPLICATE_KEY_ID` for a key id that exists, `AUTH_INVALID_USER_ID` for a user id that
 * exists (on insert) or is missing (foreign key), and `AUTH_DATABASE_FAILURE` (with the driver
 * error as `cause`) for anything else.
 */
export interface UserAdapter {
  getUser(userId: string): Promise<UserSchema | null>;
  /** Inserts the user and, when given, its key, atomically. */
  setUser(user: UserSchema, key: KeySchema | null): Promise<void>;
  updateUser(userId: string, partialUser: Record<string, unknown>): Promise<void>;
  /** Deletes the user's keys and the user, atomically. */
  deleteUser(userId: string): Promise<void>;

  getKey(keyId: string): Promise<KeySchema | null>;
  getKeysByUserId(userId: string): Promise<KeySchema[]>;
  setKey(key: KeySchema): Promise<void>;
  updateKey(keyId: string, partialKey: Partial<Omit<KeySchema, "id">>): Promise<void>;
  deleteKey(keyId: string): Promise<void>;
  deleteKeysByUserId(userId: string): Promise<void>;
}

/** Stores sessions, possibly apart from users (`{ user, session }` in the configuration). */
export interface SessionAdapter {
  getSession(sessionId: string): Promise<SessionSchema | null>;
  getSessionsByUserId(userId: string): Promise<SessionSchema[]>;
  setSession(session: SessionSchema): Promise<void>;
  updateSession(sessionId: string, partialSession: Record<string, unknown>): Promise<void>;
  /**
   * Renews a session in place, but only if its `active_expires` still equals `expected`: of
   * several servers renewing the same session at once, one writes and the others see `false`.
   * It never re-creates a session that was deleted meanwhile.
   */
  renewSession(sessionId: string, renewal: SessionRenewal, expected: number): Promise<boolean>;
  deleteSession(sessionId: string): Promise<void>;
  deleteSessionsByUserId(userId: string): Promise<void>;
  /** Deletes the sessions whose `idle_expires` is at or before `now`, of one user or of all. */
  deleteDeadSessions(now: number, userId?: string): Promise<void>;
}

/**
 * One adapter storing everything. `getSessionAndUser` answers a validation with one joined
 * query; adapters that store users and sessions together should implement it.
 */
export interface Adapter extends UserAdapter, SessionAdapter {
  getSessionAndUser?(sessionId: string): Promise<[SessionSchema, UserSchema] | [null, null]>;
}

/** What `lucia({ adapter })` accepts: one adapter, or users and sessions kept apart. */
export type AdapterConfig = Adapter | { user: UserAdapter; session: SessionAdapter };

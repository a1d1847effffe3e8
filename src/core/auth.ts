import type {
  KeySchema,
  SessionAdapter,
  SessionRenewal,
  SessionSchema,
  UserAdapter,
  UserSchema,
} from "../adapters/types.js";
import { qwik } from "../middleware/qwik.js";
import {
  DEFAULT_ACTIVE_PERIOD,
  DEFAULT_IDLE_PERIOD,
  splitAdapter,
  validateConfiguration,
  type Configuration,
  type CsrfProtection,
} from "./config.js";
import type { Cookie } from "./cookie.js";
import { databaseFailure, LuciaError, rethrowAsDatabaseFailure, store } from "./errors.js";
import { createKeyId, generateUserId, toKey } from "./identifiers.js";
import { scryptPasswordHash, type PasswordHash } from "./password.js";
import { SignInThrottle } from "../throttle/throttle.js";
import { AuthRequest, AUTH_REQUEST_KEY } from "./request.js";
import { SessionRenewals, stateAt } from "./renewal.js";
import type { Env, Middleware } from "./request-context.js";
import { SessionCookie } from "./session-cookie.js";
import {
  generateSessionToken,
  hashSessionToken,
  isWellFormedToken,
  readBearerToken,
} from "./token.js";
import type { DatabaseSession, DatabaseUser, Key, Session, SessionState } from "./types.js";
import type {
  ArgsOf,
  CreateKeyOptions,
  CreateUserOptions,
  SessionOf,
  UserOf,
} from "./auth-types.js";

/**
 * The engine: users, keys and sessions over the configured adapter, plus the session cookie.
 * Create one with `lucia(config)` at module level and share it.
 */
export class Auth<C extends Configuration = Configuration> {
  readonly sessionCookieName: string;
  readonly #users: UserAdapter;
  readonly #sessions: SessionAdapter;
  readonly #joined:
    ((sessionId: string) => Promise<[SessionSchema, UserSchema] | [null, null]>) | null;
  readonly #env: Env | undefined;
  readonly #middleware: Middleware<any>;
  readonly #activePeriod: number;
  readonly #idlePeriod: number;
  readonly #cookie: SessionCookie;
  readonly #getUserAttributes: ((user: DatabaseUser) => object) | null;
  readonly #getSessionAttributes: ((session: DatabaseSession) => object) | null;
  readonly #passwordHash: PasswordHash;
  readonly #renewals: SessionRenewals;
  #dummyHash: Promise<string> | null = null;
  /** The origin-check settings, or null when `csrfProtection: false`. */
  readonly csrfProtection: CsrfProtection | null;
  /** Throttles `authRequest.useKey()`; null when `signInThrottle: false`. */
  readonly signInThrottle: SignInThrottle | null;
  /** The opt-in diagnostics hook. */
  readonly debug: ((message: string) => void) | undefined;

  constructor(config: C) {
    validateConfiguration(config);
    const { user, session } = splitAdapter(config.adapter);
    this.#users = user;
    this.#sessions = session;
    this.#renewals = new SessionRenewals(session);
    const joined = (user as { getSessionAndUser?: unknown }).getSessionAndUser;
    this.#joined =
      (user as object) === session && typeof joined === "function" ? joined.bind(user) : null;
    this.#env = config.env;
    this.#middleware = config.middleware ?? qwik();
    this.#activePeriod = config.sessionExpiresIn?.activePeriod ?? DEFAULT_ACTIVE_PERIOD;
    this.#idlePeriod = config.sessionExpiresIn?.idlePeriod ?? DEFAULT_IDLE_PERIOD;
    this.#cookie = new SessionCookie(config.sessionCookie, config.env);
    this.sessionCookieName = this.#cookie.name;
    this.#getUserAttributes = config.getUserAttributes ?? null;
    this.#getSessionAttributes = config.getSessionAttributes ?? null;
    this.#passwordHash = config.passwordHash ?? scryptPasswordHash;
    const csrf = config.csrfProtection ?? true;
    this.csrfProtection = csrf === false ? null : csrf === true ? {} : csrf;
    this.debug = config.debug;
    this.signInThrottle =
      config.signInThrottle === false ? null : new SignInThrottle(config.signInThrottle);
  }

  // Users

  /** Creates a user and, unless `key` is null, its first key, in one transaction. */
  async createUser(options: CreateUserOptions): Promise<UserOf<C>> {
    const userId = options.userId ?? generateUserId();
    const userRow: UserSchema = { ...options.attributes, id: userId };
    const keyRow = options.key
      ? {
          id: createKeyId(options.key.providerId, options.key.providerUserId),
          user_id: userId,
          hashed_password: await this.#hashPassword(options.key.password),
        }
      : null;
    await store(() => this.#users.setUser(userRow, keyRow));
    return this.#toUser(userRow);
  }

  /** The user, or `AUTH_INVALID_USER_ID`. */
  async getUser(userId: string): Promise<UserOf<C>> {
    const row = await store(() => this.#users.getUser(userId));
    if (!row) throw new LuciaError("AUTH_INVALID_USER_ID");
    return this.#toUser(row);
  }

  async updateUserAttributes(
    userId: string,
    attributes: Record<string, unknown>,
  ): Promise<UserOf<C>> {
    await store(() => this.#users.updateUser(userId, attributes));
    return this.getUser(userId);
  }

  /** Deletes the user with its sessions and keys. */
  async deleteUser(userId: string): Promise<void> {
    await store(() => this.#sessions.deleteSessionsByUserId(userId));
    await store(() => this.#users.deleteUser(userId));
  }

  // Keys

  async createKey(options: CreateKeyOptions): Promise<Key> {
    const row: KeySchema = {
      id: createKeyId(options.providerId, options.providerUserId),
      user_id: options.userId,
      hashed_password: await this.#hashPassword(options.password),
    };
    await store(() => this.#users.setKey(row));
    return toKey(row);
  }

  /**
   * Signs in: the key, or `AUTH_INVALID_KEY_ID` / `AUTH_INVALID_PASSWORD`. An unknown key costs
   * a password check too, so timing does not tell which usernames exist.
   */
  async useKey(providerId: string, providerUserId: string, password: string | null): Promise<Key> {
    const row = await store(() => this.#users.getKey(createKeyId(providerId, providerUserId)));
    if (!row) {
      if (password !== null) await this.#passwordHash.validate(password, await this.#dummy());
      throw new LuciaError("AUTH_INVALID_KEY_ID");
    }
    const hash = row.hashed_password;
    if (hash === null) {
      if (password !== null) throw new LuciaError("AUTH_INVALID_PASSWORD");
      return toKey(row);
    }
    if (password === null) throw new LuciaError("AUTH_INVALID_PASSWORD");
    // LIMITATION: Lucia v1's bcrypt hashes cannot be checked, only replaced (as in Lucia v2).
    if (hash.startsWith("$2a")) throw new LuciaError("AUTH_OUTDATED_PASSWORD");
    if (!(await this.#passwordHash.validate(password, hash))) {
      throw new LuciaError("AUTH_INVALID_PASSWORD");
    }
    return toKey(row);
  }

  /** The key, or `AUTH_INVALID_KEY_ID`. */
  async getKey(providerId: string, providerUserId: string): Promise<Key> {
    const row = await store(() => this.#users.getKey(createKeyId(providerId, providerUserId)));
    if (!row) throw new LuciaError("AUTH_INVALID_KEY_ID");
    return toKey(row);
  }

  /** Every key of the user, or `AUTH_INVALID_USER_ID`. */
  async getAllUserKeys(userId: string): Promise<Key[]> {
    const [rows] = await Promise.all([
      store(() => this.#users.getKeysByUserId(userId)),
      this.getUser(userId),
    ]);
    return rows.map(toKey);
  }

  /**
   * Sets (or with null, removes) a key's password; `AUTH_INVALID_KEY_ID` if there is no key.
   * `invalidateUserSessions` also signs the user out: everywhere (`true`), or everywhere but the
   * current session (`{ except: session.sessionId }`), so a stolen session dies with the old
   * password.
   */
  async updateKeyPassword(
    providerId: string,
    providerUserId: string,
    password: string | null,
    options: { invalidateUserSessions?: true | { except: string } } = {},
  ): Promise<Key> {
    const keyId = createKeyId(providerId, providerUserId);
    const hashedPassword = await this.#hashPassword(password);
    await store(() => this.#users.updateKey(keyId, { hashed_password: hashedPassword }));
    const key = await this.getKey(providerId, providerUserId);

    const invalidate = options.invalidateUserSessions;
    if (invalidate === true) await this.invalidateAllUserSessions(key.userId);
    if (typeof invalidate === "object") {
      const rows = await store(() => this.#sessions.getSessionsByUserId(key.userId));
      const others = rows.filter((row) => row.id !== invalidate.except);
      await Promise.all(others.map((row) => this.invalidateSession(row.id)));
    }
    return key;
  }

  async deleteKey(providerId: string, providerUserId: string): Promise<void> {
    await store(() => this.#users.deleteKey(createKeyId(providerId, providerUserId)));
  }

  // Sessions

  /** Starts a session; the result carries the token for the cookie (`fresh: true`). */
  async createSession(options: {
    userId: string;
    attributes: Record<string, unknown>;
  }): Promise<SessionOf<C>> {
    const user = await this.getUser(options.userId);
    const token = generateSessionToken();
    const now = Date.now();
    const row: SessionSchema = {
      ...options.attributes,
      id: hashSessionToken(token),
      user_id: options.userId,
      ...this.#expiriesFrom(now),
    };
    await store(() => this.#sessions.setSession(row));
    return this.#toSession(row, user, "active", true, token);
  }

  /**
   * Validates a token from a cookie or a Bearer header: the session (renewed in place when idle,
   * then `fresh: true`), or `AUTH_INVALID_SESSION_ID` for a malformed, unknown or dead token.
   */
  validateSession(token: string): Promise<SessionOf<C>> {
    // LIMITATION: Lucia v2's plaintext session ids match no stored hash: its users sign in again.
    if (!isWellFormedToken(token)) {
      return Promise.reject(new LuciaError("AUTH_INVALID_SESSION_ID"));
    }
    const sessionId = hashSessionToken(token);
    const toSession = ([row, userRow]: [SessionSchema, UserSchema] | [null, null]) =>
      this.#sessionOfLookup(row, userRow, token);
    if (!this.#joined) return this.#getSessionThenUser(sessionId).then(toSession);

    // Every request's path: one promise step from the joined lookup to the session.
    let lookup: Promise<[SessionSchema, UserSchema] | [null, null]>;
    try {
      lookup = this.#joined(sessionId);
    } catch (error) {
      return Promise.reject(databaseFailure(error));
    }
    return lookup.then(toSession, rethrowAsDatabaseFailure);
  }

  #sessionOfLookup(
    row: SessionSchema | null,
    userRow: UserSchema | null,
    token: string,
  ): SessionOf<C> | Promise<SessionOf<C>> {
    if (!row || !userRow) throw new LuciaError("AUTH_INVALID_SESSION_ID");
    const now = Date.now();
    const state = stateAt(row, now);
    if (state === "dead") throw new LuciaError("AUTH_INVALID_SESSION_ID");
    if (state === "active") return this.#toSession(row, this.#toUser(userRow), state, false, token);

    return this.#renewals.renew(row, this.#expiriesFrom(now)).then((renewal) => {
      if (!renewal) throw new LuciaError("AUTH_INVALID_SESSION_ID");
      return this.#toSession({ ...row, ...renewal }, this.#toUser(userRow), "active", true, token);
    });
  }

  /** The session by its public id, without renewing it; `AUTH_INVALID_SESSION_ID` if dead. */
  async getSession(sessionId: string): Promise<SessionOf<C>> {
    const [row, userRow] = await this.#getSessionAndUser(sessionId);
    const state = row ? stateAt(row, Date.now()) : "dead";
    if (!row || state === "dead") throw new LuciaError("AUTH_INVALID_SESSION_ID");
    return this.#toSession(row, this.#toUser(userRow), state, false);
  }

  /** The user's live sessions (dead ones are left out); `AUTH_INVALID_USER_ID` if no user. */
  async getAllUserSessions(userId: string): Promise<SessionOf<C>[]> {
    const [user, rows] = await Promise.all([
      this.getUser(userId),
      store(() => this.#sessions.getSessionsByUserId(userId)),
    ]);
    const now = Date.now();
    const sessions: SessionOf<C>[] = [];
    for (const row of rows) {
      const state = stateAt(row, now);
      if (state !== "dead") sessions.push(this.#toSession(row, user, state, false));
    }
    return sessions;
  }

  async updateSessionAttributes(
    sessionId: string,
    attributes: Record<string, unknown>,
  ): Promise<SessionOf<C>> {
    await store(() => this.#sessions.updateSession(sessionId, attributes));
    return this.getSession(sessionId);
  }

  /** Ends one session (sign-out). Unknown ids are ignored. */
  async invalidateSession(sessionId: string): Promise<void> {
    await store(() => this.#sessions.deleteSession(sessionId));
  }

  /** Ends every session of the user ("sign out everywhere"). */
  async invalidateAllUserSessions(userId: string): Promise<void> {
    await store(() => this.#sessions.deleteSessionsByUserId(userId));
  }

  /** Deletes the user's dead sessions. */
  async deleteDeadUserSessions(userId: string): Promise<void> {
    await store(() => this.#sessions.deleteDeadSessions(Date.now(), userId));
  }

  /** Deletes every dead session; run it periodically (a cron job, a timer). */
  async deleteExpiredSessions(): Promise<void> {
    await store(() => this.#sessions.deleteDeadSessions(Date.now()));
  }

  // Cookies and requests

  /**
   * The session cookie for `session` (it must carry its token), or for null an empty cookie
   * that expires at once. `secure` defaults to `env`, else true.
   */
  createSessionCookie(session: Session | null, options: { secure?: boolean } = {}): Cookie {
    return this.#cookie.create(session, options.secure);
  }

  /** The session token of a `Cookie` header, or null (never throws). */
  readSessionCookie(cookieHeader: string | null | undefined): string | null {
    return this.#cookie.read(cookieHeader);
  }

  /** The token of an `Authorization: Bearer` header, or null (never throws). */
  readBearerToken(authorizationHeader: string | null | undefined): string | null {
    return readBearerToken(authorizationHeader);
  }

  /**
   * Wraps one request: `validate()`, `validateUser()`, `setSession()`. Does no I/O. With Qwik
   * City, every handler of one request gets the same `AuthRequest`.
   */
  handleRequest(...args: ArgsOf<C>): AuthRequest<SessionOf<C>> {
    const context = this.#middleware({
      args,
      env: this.#env,
      sessionCookieName: this.sessionCookieName,
    });
    const shared = context.requestStore?.get(AUTH_REQUEST_KEY);
    if (shared instanceof AuthRequest && shared.auth === this) {
      return shared as AuthRequest<SessionOf<C>>;
    }
    const authRequest = new AuthRequest<SessionOf<C>>(this as Auth, context, this.#env);
    context.requestStore?.set(AUTH_REQUEST_KEY, authRequest);
    return authRequest;
  }

  // Internals

  #getSessionAndUser(sessionId: string): Promise<[SessionSchema, UserSchema] | [null, null]> {
    // The joined lookup is every validation's path: no async frame of its own.
    if (this.#joined) {
      try {
        return this.#joined(sessionId).then(undefined, rethrowAsDatabaseFailure);
      } catch (error) {
        return Promise.reject(databaseFailure(error));
      }
    }
    return this.#getSessionThenUser(sessionId);
  }

  async #getSessionThenUser(
    sessionId: string,
  ): Promise<[SessionSchema, UserSchema] | [null, null]> {
    const row = await store(() => this.#sessions.getSession(sessionId));
    if (!row) return [null, null];
    const userRow = await store(() => this.#users.getUser(row.user_id));
    return userRow ? [row, userRow] : [null, null];
  }

  #expiriesFrom(now: number): SessionRenewal {
    const activeExpires = now + this.#activePeriod;
    return { active_expires: activeExpires, idle_expires: activeExpires + this.#idlePeriod };
  }

  async #hashPassword(password: string | null): Promise<string | null> {
    return password === null ? null : this.#passwordHash.generate(password);
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.#passwordHash.generate(generateSessionToken());
    return this.#dummyHash;
  }

  // Validation's hot path builds these two objects: literals, with the configured attributes
  // copied in only when there are some (a spread of a fresh object is slow on Node 20's V8).
  #toUser(row: UserSchema): UserOf<C> {
    const user = { userId: row.id };
    if (this.#getUserAttributes === null) return user as UserOf<C>;
    return Object.assign({}, this.#getUserAttributes(row as DatabaseUser), user) as UserOf<C>;
  }

  #toSession(
    row: SessionSchema,
    user: UserOf<C>,
    state: SessionState,
    fresh: boolean,
    token?: string,
  ): SessionOf<C> {
    let session: object = {
      sessionId: row.id,
      userId: row.user_id,
      user,
      activePeriodExpiresAt: new Date(Number(row.active_expires)),
      idlePeriodExpiresAt: new Date(Number(row.idle_expires)),
      state,
      fresh,
    };
    if (this.#getSessionAttributes !== null) {
      session = Object.assign({}, this.#getSessionAttributes(row as DatabaseSession), session);
    }
    // Not enumerable: JSON, Qwik's serializer and spreads leave the token behind.
    if (token !== undefined) Object.defineProperty(session, "token", { value: token });
    return session as SessionOf<C>;
  }
}

/** Creates the auth engine. Throws a `TypeError` naming the option if the config is wrong. */
export function lucia<const C extends Configuration>(config: C): Auth<C> {
  return new Auth(config);
}

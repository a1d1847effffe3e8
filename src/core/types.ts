import type { UserSchema, SessionSchema } from "../adapters/types.js";

/**
 * Augment to type your database rows everywhere at once:
 *
 * @example
 * declare module "qwik-lucia" {
 *   interface Register {
 *     DatabaseUserAttributes: { username: string };
 *     DatabaseSessionAttributes: { created_at: number };
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Register {}

/** The attribute columns of a user row, as registered (untyped until you register them). */
export type DatabaseUserAttributes = Register extends { DatabaseUserAttributes: infer A }
  ? A
  : Record<string, any>;

/** The attribute columns of a session row, as registered. */
export type DatabaseSessionAttributes = Register extends { DatabaseSessionAttributes: infer A }
  ? A
  : Record<string, any>;

export type DatabaseUser = UserSchema & DatabaseUserAttributes;
export type DatabaseSession = SessionSchema & DatabaseSessionAttributes;

/** `active` until `activePeriodExpiresAt`; then `idle` (renewed on use) until it dies. */
export type SessionState = "active" | "idle";

/** A user: its id plus what `getUserAttributes` returns. */
export type User<UserAttributes extends object = Record<never, never>> = {
  readonly userId: string;
} & UserAttributes;

/**
 * A session. `sessionId` is the public id (the SHA-256 of the token): safe to list, show and
 * revoke. The cookie's token is present only where it is known (creation, validation), and is
 * not enumerable, so serializing a session to the browser never leaks it.
 */
export type Session<
  UserAttributes extends object = Record<never, never>,
  SessionAttributes extends object = Record<never, never>,
> = {
  readonly sessionId: string;
  readonly userId: string;
  readonly user: User<UserAttributes>;
  readonly activePeriodExpiresAt: Date;
  readonly idlePeriodExpiresAt: Date;
  readonly state: SessionState;
  /** True when this call created or renewed the session: its cookie must be (re)written. */
  readonly fresh: boolean;
  readonly token?: string;
} & SessionAttributes;

/** A sign-in method of a user: `providerId:providerUserId`, with or without a password. */
export interface Key {
  readonly providerId: string;
  readonly providerUserId: string;
  readonly userId: string;
  readonly passwordDefined: boolean;
}

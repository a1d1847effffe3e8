import type { qwik } from "../middleware/qwik.js";
import type { Middleware } from "./request-context.js";
import type { Session, User } from "./types.js";

type UserAttributesOf<C> = C extends { getUserAttributes: (user: any) => infer A extends object }
  ? A
  : Record<never, never>;
type SessionAttributesOf<C> = C extends {
  getSessionAttributes: (session: any) => infer A extends object;
}
  ? A
  : Record<never, never>;
type QwikArgs = Parameters<ReturnType<typeof qwik>>[0]["args"];

/** The handler arguments `handleRequest` takes: those of the configured middleware. */
export type ArgsOf<C> = C extends { middleware: Middleware<infer Args> } ? Args : QwikArgs;

/** The user type of an `auth` instance: `typeof auth extends Auth<infer C>` spelled out. */
export type UserOf<C> = User<UserAttributesOf<C>>;
/** The session type of an `auth` instance. */
export type SessionOf<C> = Session<UserAttributesOf<C>, SessionAttributesOf<C>>;

export interface CreateUserOptions {
  /** Generated (15 lowercase letters and digits) when absent. */
  userId?: string;
  key: { providerId: string; providerUserId: string; password: string | null } | null;
  attributes: Record<string, unknown>;
}

export interface CreateKeyOptions {
  userId: string;
  providerId: string;
  providerUserId: string;
  password: string | null;
}

/** qwik-lucia: session authentication for Qwik City with Lucia v2's request API. */
export { lucia, Auth } from "./core/auth.js";
export type { CreateKeyOptions, CreateUserOptions, SessionOf, UserOf } from "./core/auth-types.js";
export type { Configuration, CsrfProtection } from "./core/config.js";
export { Cookie } from "./core/cookie.js";
export type { CookieAttributes } from "./core/cookie.js";
export { LuciaError, isDatabaseFailure } from "./core/errors.js";
export type { LuciaErrorCode } from "./core/errors.js";
export { generateScryptHash, validateScryptHash } from "./core/password.js";
export type { PasswordHash } from "./core/password.js";
export { AuthRequest } from "./core/request.js";
export {
  SignInThrottle,
  memoryThrottleStore,
  postgresThrottleStore,
  redisThrottleStore,
  sqliteThrottleStore,
} from "./throttle/index.js";
export type {
  SignInThrottleOptions,
  ThrottleRecord,
  ThrottleRedisClient,
  ThrottleStore,
} from "./throttle/index.js";
export type { ValidationResult } from "./core/request.js";
export type { Env, HeaderReader, Middleware, RequestContext } from "./core/request-context.js";
export type {
  DatabaseSession,
  DatabaseSessionAttributes,
  DatabaseUser,
  DatabaseUserAttributes,
  Key,
  Register,
  Session,
  SessionState,
  User,
} from "./core/types.js";
export type {
  Adapter,
  AdapterConfig,
  KeySchema,
  SessionAdapter,
  SessionRenewal,
  SessionSchema,
  UserAdapter,
  UserSchema,
} from "./adapters/types.js";

import type { Auth } from "../../src/core/auth.js";

/** The request header that names which test's `auth` a request uses. */
export const AUTH_HEADER = "x-test-auth";

const instances = new Map<string, Auth<any>>();
let next = 0;

/** Registers `auth` for requests sent with its id in `AUTH_HEADER`. */
export function registerAuth(auth: Auth<any>): string {
  const id = `auth-${++next}`;
  instances.set(id, auth);
  return id;
}

/** The `auth` the request names; the routes of tests/qwik/routes use it. */
export function authFor(request: Request): Auth<any> | null {
  return instances.get(request.headers.get(AUTH_HEADER) ?? "") ?? null;
}

/** Work a test runs inside one Qwik City request (the middleware driver). */
export const pendingWork = new Map<string, (event: unknown) => Promise<unknown>>();

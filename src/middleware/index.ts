/** Middleware: how `auth.handleRequest(...)` reads each framework's request and cookies. */
export { qwik } from "./qwik.js";
export type { Middleware, RequestContext } from "../core/request-context.js";

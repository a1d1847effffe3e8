/** Middleware: how `auth.handleRequest(...)` reads each framework's request and cookies. */
export { qwik } from "./qwik.js";
export { lucia } from "./lucia.js";
export type { LuciaRequestContext } from "./lucia.js";
export { node } from "./node.js";
export { express } from "./express.js";
export { web } from "./web.js";
export { sveltekit } from "./sveltekit.js";
export type { SvelteKitEvent } from "./sveltekit.js";
export { astro } from "./astro.js";
export type { AstroContext } from "./astro.js";
export type { Middleware, RequestContext } from "../core/request-context.js";

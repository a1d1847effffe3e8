import type { Cookies } from "@sveltejs/kit";
import type { APIContext } from "astro";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

// The frameworks' own cookie jars, loaded from their published files: neither package exports
// them, but they are what `event.cookies` and `context.cookies` are at run time.
const require = createRequire(import.meta.url);

async function packageModule<T>(name: string, file: string): Promise<T> {
  const root = dirname(require.resolve(`${name}/package.json`));
  return (await import(pathToFileURL(join(root, file)).href)) as T;
}

interface SvelteKitCookieModule {
  get_cookies(
    request: Request,
    url: URL,
  ): {
    cookies: Cookies;
    new_cookies: Map<string, unknown>;
    set_trailing_slash(trailingSlash: "never" | "always" | "ignore"): void;
  };
  add_cookies_to_headers(headers: Headers, cookies: Iterable<unknown>): void;
}

/** SvelteKit's `event.cookies` for `request`, and the `Set-Cookie` values it would send. */
export async function svelteKitCookies(
  request: Request,
  url: URL,
): Promise<{ cookies: Cookies; setCookieHeaders: () => string[] }> {
  const kit = await packageModule<SvelteKitCookieModule>(
    "@sveltejs/kit",
    "src/runtime/server/cookie.js",
  );
  const jar = kit.get_cookies(request, url);
  jar.set_trailing_slash("never");
  return {
    cookies: jar.cookies,
    setCookieHeaders: () => {
      const headers = new Headers();
      kit.add_cookies_to_headers(headers, jar.new_cookies.values());
      return headers.getSetCookie();
    },
  };
}

type AstroCookies = APIContext["cookies"];

/** Astro's `context.cookies` for `request`, and the `Set-Cookie` values it would send. */
export async function astroCookies(
  request: Request,
): Promise<{ cookies: AstroCookies; setCookieHeaders: () => string[] }> {
  const { AstroCookies } = await packageModule<{
    AstroCookies: new (request: Request) => AstroCookies;
  }>("astro", "dist/core/cookies/index.js");
  const cookies = new AstroCookies(request);
  return { cookies, setCookieHeaders: () => [...cookies.headers()] };
}

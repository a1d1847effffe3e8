// Only paths on this site may follow a sign-in: `//evil.example` and `/\evil.example` are
// network-path references to another host (browsers read `\` as `/`), and control characters
// (tab, newline) are dropped by URL parsers, turning `/\t/evil` into `//evil`.
const UNSAFE = /[\u0000-\u001f\u007f\\]/;
const PROBE_ORIGIN = "http://same-site.invalid";

/** Longest `redirectTo` accepted; longer values are refused rather than truncated. */
const MAX_LENGTH = 2048;

/**
 * `path` when it is a same-site relative path (`/profile?tab=2`), else `fallback`. Use it on
 * every `redirectTo` that came from a request, or the sign-in page becomes an open redirect.
 *
 * @example
 * throw event.redirect(303, safeRedirectTo(data.redirectTo));
 */
export function safeRedirectTo(path: unknown, fallback = "/"): string {
  if (typeof path !== "string" || path.length === 0 || path.length > MAX_LENGTH) return fallback;
  if (!path.startsWith("/") || path.startsWith("//") || UNSAFE.test(path)) return fallback;

  let url: URL;
  try {
    url = new URL(path, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  const target = `${url.pathname}${url.search}${url.hash}`;
  return target.startsWith("//") ? fallback : target;
}

/** The sign-in page's URL with a `redirectTo` back to `returnPath` (when it is safe). */
export function signInUrl(signInPath: string, returnPath: string): string {
  const back = safeRedirectTo(returnPath, "");
  if (back === "" || back === "/" || back.split("?")[0] === signInPath) return signInPath;
  const separator = signInPath.includes("?") ? "&" : "?";
  return `${signInPath}${separator}redirectTo=${encodeURIComponent(back)}`;
}

import type { CsrfProtection } from "./config.js";

// Methods that must not change state (RFC 9110 section 9.2.1): a cross-site request with them
// is harmless, so the session cookie is honoured without an origin check.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export type OriginVerdict = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: OriginVerdict = { allowed: true };

/**
 * Decides whether a request may use the session cookie. Browsers send `Origin` on every
 * non-GET request, so a missing, `null` or unparsable one is refused, as is any origin other
 * than the request's own host, an allowed subdomain of it, or a trusted origin.
 */
export function checkOrigin(
  method: string,
  originHeader: string | null,
  requestUrl: URL | string,
  options: CsrfProtection,
): OriginVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return ALLOWED;
  if (!originHeader) return { allowed: false, reason: "the request has no Origin header" };
  if (originHeader === "null") return { allowed: false, reason: "the request's Origin is null" };

  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return { allowed: false, reason: "the request's Origin is not a URL" };
  }
  if (options.trustedOrigins?.includes(origin.origin)) return ALLOWED;

  const host = options.host ?? hostOf(requestUrl);
  if (host === null) return { allowed: false, reason: "the request URL has no host" };
  if (origin.host === host) return ALLOWED;
  if (isAllowedSubDomain(origin.host, host, options.allowedSubDomains)) return ALLOWED;
  return {
    allowed: false,
    reason: `Origin ${origin.origin} does not match host ${host} (see csrfProtection)`,
  };
}

function hostOf(url: URL | string): string | null {
  if (typeof url !== "string") return url.host;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function isAllowedSubDomain(
  originHost: string,
  host: string,
  allowed: CsrfProtection["allowedSubDomains"],
): boolean {
  if (allowed === undefined || !originHost.endsWith(`.${host}`)) return false;
  const subDomain = originHost.slice(0, -host.length - 1);
  if (allowed === "*") return subDomain.length > 0;
  return allowed.includes(subDomain);
}

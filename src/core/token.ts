import { createHash, randomBytes } from "node:crypto";

// 24 random bytes are 192 bits of entropy (OWASP asks for at least 64, the issue for 160), and
// base64url keeps the token inside the cookie-octet set without quoting or encoding.
const TOKEN_BYTES = 24;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{32,256}$/;

/** A new random session token, as carried by the cookie or the Bearer header. */
export function generateSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** True when `token` could have come from `generateSessionToken` (a cheap pre-check). */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === "string" && TOKEN_FORMAT.test(token);
}

/**
 * The public session id: the SHA-256 of the token, in hex. Only this reaches the database,
 * so a leaked database (or backup, or log of queries) holds no usable token.
 */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Reads the token of an `Authorization: Bearer <token>` header, or null. */
export function readBearerToken(authorizationHeader: string | null | undefined): string | null {
  if (!authorizationHeader) return null;
  const match = /^Bearer +([^ ]+) *$/i.exec(authorizationHeader);
  const token = match?.[1];
  return isWellFormedToken(token) ? token : null;
}

import type { KeySchema } from "../adapters/types.js";
import { LuciaError } from "./errors.js";
import type { Key } from "./types.js";

const USER_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new user id: 15 lowercase letters and digits, as Lucia v2 made them. */
export function generateUserId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  let id = "";
  // 252 is the largest multiple of 36 below 256: rejection keeps every character equally likely.
  for (const byte of bytes) id += byte < 252 ? USER_ID_ALPHABET[byte % 36] : generateUserId()[0];
  return id;
}

/** The stored id of a key: `providerId:providerUserId` (the provider id holds no colon). */
export function createKeyId(providerId: string, providerUserId: string): string {
  if (providerId.includes(":")) {
    throw new LuciaError("AUTH_INVALID_KEY_ID", "a provider id must not contain ':'");
  }
  return `${providerId}:${providerUserId}`;
}

/** A key row as the public `Key`: the id split at its first colon. */
export function toKey(row: KeySchema): Key {
  const separator = row.id.indexOf(":");
  return {
    providerId: row.id.slice(0, separator),
    providerUserId: row.id.slice(separator + 1),
    userId: row.user_id,
    passwordDefined: row.hashed_password !== null,
  };
}

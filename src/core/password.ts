import { randomInt, scrypt, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";

/** How passwords are hashed and checked; `lucia({ passwordHash })` replaces the default. */
export interface PasswordHash {
  generate(password: string): Promise<string>;
  validate(password: string, hash: string): Promise<boolean>;
}

// Lucia v2's parameters, so its `s2:` hashes verify unchanged. The cost is 128 * N * r bytes
// (32 MiB), above node's 32 MiB default `maxmem`, hence the explicit limit.
const COST = 16384;
const PARALLELISM = 1;
const KEY_LENGTH = 64;
const MAX_MEMORY = 64 * 1024 * 1024;
const SALT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const SALT_LENGTH = 16;

// At most this many hashes run at once: one core stays free for the event loop, and one of
// libuv's 4 threads (shared with file system and DNS work) stays free of scrypt. Measured on
// 2 cores with 8 sign-ins at once: the event loop's longest stall halved, the burst took ~10%
// longer (npm run bench).
const MAX_CONCURRENT_HASHES = Math.max(1, Math.min(3, availableParallelism() - 1));
let runningHashes = 0;
const waitingHashes: (() => void)[] = [];

async function derive(password: string, salt: string, blockSize: number): Promise<Buffer> {
  if (runningHashes < MAX_CONCURRENT_HASHES) runningHashes++;
  // A finishing hash hands its slot over directly, so the count never exceeds the limit.
  else await new Promise<void>((resolve) => waitingHashes.push(resolve));
  try {
    return await scryptAsync(password, salt, blockSize);
  } finally {
    const next = waitingHashes.shift();
    if (next) next();
    else runningHashes--;
  }
}

function scryptAsync(password: string, salt: string, blockSize: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The asynchronous scrypt runs on libuv's thread pool: hashing never blocks the event loop.
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { N: COST, r: blockSize, p: PARALLELISM, maxmem: MAX_MEMORY },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function generateSalt(): string {
  let salt = "";
  for (let i = 0; i < SALT_LENGTH; i++) salt += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return salt;
}

function equalHex(expectedHex: string, actual: Buffer): boolean {
  if (!/^[0-9a-f]+$/i.test(expectedHex)) return false;
  const expected = Buffer.from(expectedHex, "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Hashes a password in Lucia v2's format: `s2:<16-character salt>:<128 hex digits>`. */
export async function generateScryptHash(password: string): Promise<string> {
  const salt = generateSalt();
  const key = await derive(password, salt, 16);
  return `s2:${salt}:${key.toString("hex")}`;
}

/**
 * Checks a password against an `s2:` hash, or against the older `salt:hex` form (r = 8) that
 * Lucia v2 still accepted. Any other shape is a mismatch, never an exception.
 */
export async function validateScryptHash(password: string, hash: string): Promise<boolean> {
  const parts = hash.split(":");
  if (parts.length === 3 && parts[0] === "s2") {
    return equalHex(parts[2] ?? "", await derive(password, parts[1] ?? "", 16));
  }
  if (parts.length === 2) {
    return equalHex(parts[1] ?? "", await derive(password, parts[0] ?? "", 8));
  }
  return false;
}

/** The default `passwordHash`: scrypt through node:crypto, compatible with Lucia v2. */
export const scryptPasswordHash: PasswordHash = {
  generate: generateScryptHash,
  validate: validateScryptHash,
};

import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateScryptHash, validateScryptHash } from "../../src/core/password.js";

/** A hash made the way Lucia v2 made them, with Node's own synchronous scrypt. */
function luciaV2Hash(password: string, salt: string, blockSize = 16): string {
  const key = scryptSync(password.normalize("NFKC"), salt, 64, {
    N: 16384,
    r: blockSize,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  return blockSize === 16 ? `s2:${salt}:${key.toString("hex")}` : `${salt}:${key.toString("hex")}`;
}

describe("password hashing", () => {
  it("generates hashes in Lucia v2's s2:<16-char salt>:<128 hex> format", async () => {
    const hash = await generateScryptHash("correct horse");

    expect(hash).toMatch(/^s2:[a-z0-9]{16}:[0-9a-f]{128}$/);
  });

  it("uses a new salt for every hash", async () => {
    const [a, b] = await Promise.all([generateScryptHash("same"), generateScryptHash("same")]);

    expect(a).not.toBe(b);
  });

  it("verifies its own hashes and refuses other passwords", async () => {
    const hash = await generateScryptHash("correct horse");

    expect(await validateScryptHash("correct horse", hash)).toBe(true);
    expect(await validateScryptHash("correct horsf", hash)).toBe(false);
  });

  it("verifies an s2 hash made by Lucia v2 (Node's scryptSync, N=16384 r=16 p=1)", async () => {
    const hash = luciaV2Hash("hunter2-password", "abcdefghij012345");

    expect(await validateScryptHash("hunter2-password", hash)).toBe(true);
    expect(await validateScryptHash("hunter3-password", hash)).toBe(false);
  });

  it("verifies the legacy salt:hex form with r=8", async () => {
    const hash = luciaV2Hash("legacy-password", "0123456789abcdef", 8);

    expect(await validateScryptHash("legacy-password", hash)).toBe(true);
    expect(await validateScryptHash("legacy-passwort", hash)).toBe(false);
  });

  it("normalises passwords to NFKC, so composed and decomposed forms match", async () => {
    const hash = await generateScryptHash("caf\u00e9");

    expect(await validateScryptHash("cafe\u0301", hash)).toBe(true);
  });

  it("treats malformed hashes as a mismatch without throwing", async () => {
    for (const hash of [
      "",
      "s2:",
      "s2:salt",
      "s3:salt:00",
      "s2:salt:zz",
      "a:b:c:d",
      "s2:salt:00",
    ]) {
      expect(await validateScryptHash("password", hash)).toBe(false);
    }
  });
});

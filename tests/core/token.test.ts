import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateSessionToken,
  hashSessionToken,
  isWellFormedToken,
  readBearerToken,
} from "../../src/core/token.js";

describe("session tokens", () => {
  it("are 32 URL-safe characters carrying 192 random bits", () => {
    const token = generateSessionToken();

    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(24);
  });

  it("do not repeat over 10,000 draws", () => {
    const tokens = new Set(Array.from({ length: 10_000 }, generateSessionToken));

    expect(tokens.size).toBe(10_000);
  });

  it("are stored as their SHA-256 in hex", () => {
    const token = generateSessionToken();

    expect(hashSessionToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("are recognised by shape before any lookup", () => {
    expect(isWellFormedToken(generateSessionToken())).toBe(true);
    for (const bad of ["", "short", "a".repeat(31), `${"a".repeat(31)}=`, "a b".repeat(20), 42]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });
});

describe("readBearerToken", () => {
  const token = generateSessionToken();

  it("reads the token of a Bearer header, whatever the scheme's case", () => {
    expect(readBearerToken(`Bearer ${token}`)).toBe(token);
    expect(readBearerToken(`bearer ${token}`)).toBe(token);
  });

  it("returns null for missing, other-scheme and malformed headers", () => {
    for (const header of [
      null,
      undefined,
      "",
      "Bearer",
      "Bearer ",
      `Basic ${token}`,
      `Bearer ${token} x`,
      "Bearer a;b",
    ]) {
      expect(readBearerToken(header)).toBeNull();
    }
  });
});

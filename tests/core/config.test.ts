import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import { lucia } from "../../src/index.js";

const db = new Database(":memory:");
db.exec(sqliteSchema());
const adapter = sqlite(db);

function setup(config: Record<string, unknown>): () => unknown {
  return () => lucia({ adapter, ...config } as never);
}

describe("lucia(config)", () => {
  it("accepts a minimal configuration", () => {
    expect(setup({})()).toBeDefined();
  });

  it("accepts users and sessions in separate adapters", () => {
    expect(lucia({ adapter: { user: adapter, session: adapter } })).toBeDefined();
  });

  it.each([
    [{ adapter: undefined }, /`adapter` must be an adapter object/],
    [{ adapter: { getUser() {} } }, /`adapter` is missing adapter methods: setUser/],
    [{ adapter: { user: adapter, session: {} } }, /`adapter.session` is missing adapter methods/],
    [{ env: "production" }, /`env` must be "DEV" or "PROD"/],
    [{ sessionExpiresIn: { activePeriod: 0, idlePeriod: 1 } }, /`sessionExpiresIn.activePeriod`/],
    [{ sessionExpiresIn: { activePeriod: 1, idlePeriod: 1.5 } }, /`sessionExpiresIn.idlePeriod`/],
    [{ sessionExpiresIn: 5 }, /`sessionExpiresIn` must be an object/],
    [{ sessionCookie: { name: "bad name" } }, /`sessionCookie.name` must be a cookie name/],
    [{ sessionCookie: { name: "a;b" } }, /`sessionCookie.name`/],
    [
      { sessionCookie: { attributes: { sameSite: "loose" } } },
      /`sessionCookie.attributes.sameSite`/,
    ],
    [{ sessionCookie: { expires: "yes" } }, /`sessionCookie.expires` must be a boolean/],
    [{ passwordHash: { generate() {} } }, /`passwordHash` must be an object with generate\(\)/],
    [{ middleware: "qwik" }, /`middleware` must be a function/],
    [{ getUserAttributes: {} }, /`getUserAttributes` must be a function/],
    [{ getSessionAttributes: 1 }, /`getSessionAttributes` must be a function/],
    [{ csrfProtection: "on" }, /`csrfProtection` must be a boolean or an object/],
    [{ csrfProtection: { allowedSubDomains: "api" } }, /`csrfProtection.allowedSubDomains`/],
    [{ csrfProtection: { trustedOrigins: ["https://a.example/path"] } }, /trustedOrigins/],
    [{ csrfProtection: { host: 443 } }, /`csrfProtection.host`/],
  ])("throws at setup, naming the option, for %j", (config, message) => {
    expect(setup(config)).toThrow(message);
  });

  it("throws a TypeError, never exits the process", () => {
    const exit = process.exit;
    let exited = false;
    process.exit = (() => {
      exited = true;
    }) as never;
    try {
      expect(setup({ env: 1 })).toThrow(TypeError);
    } finally {
      process.exit = exit;
    }
    expect(exited).toBe(false);
  });
});

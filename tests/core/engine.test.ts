import Database from "better-sqlite3";
import { scryptSync } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import { LuciaError, isDatabaseFailure, lucia } from "../../src/index.js";
import { codeOf } from "../support/outcome.js";

/** Lucia v2's documented SQLite schema, created by hand as its users did. */
const LUCIA_V2_SCHEMA = `
CREATE TABLE user (id TEXT NOT NULL PRIMARY KEY, username TEXT NOT NULL UNIQUE);
CREATE TABLE user_key (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  hashed_password TEXT,
  FOREIGN KEY (user_id) REFERENCES user(id)
);
CREATE TABLE user_session (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  active_expires INTEGER NOT NULL,
  idle_expires INTEGER NOT NULL,
  FOREIGN KEY (user_id) REFERENCES user(id)
);`;

describe("LuciaError", () => {
  it("has the name LuciaError, a code, and a message starting with the code", () => {
    const error = new LuciaError("AUTH_INVALID_PASSWORD");

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("LuciaError");
    expect(error.code).toBe("AUTH_INVALID_PASSWORD");
    expect(error.message).toBe("AUTH_INVALID_PASSWORD");
  });
});

describe("a Lucia v2 SQLite database", () => {
  it("signs its users in with their s2 hashes, unchanged", async () => {
    const db = new Database(":memory:");
    db.exec(LUCIA_V2_SCHEMA);
    const key = scryptSync("v2-password", "v2saltv2saltv2sa", 64, {
      N: 16384,
      r: 16,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    db.prepare("INSERT INTO user VALUES ('v2user000000001', 'ada')").run();
    db.prepare("INSERT INTO user_key VALUES ('username:ada', 'v2user000000001', ?)").run(
      `s2:v2saltv2saltv2sa:${key.toString("hex")}`,
    );
    const auth = lucia({
      adapter: sqlite(db),
      getUserAttributes: (user) => ({ username: user["username"] as string }),
    });

    const signedIn = await auth.useKey("username", "ada", "v2-password");
    const session = await auth.createSession({ userId: signedIn.userId, attributes: {} });

    expect(signedIn.userId).toBe("v2user000000001");
    expect((await auth.validateSession(session.token!)).user).toEqual({
      userId: "v2user000000001",
      username: "ada",
    });
  });

  it("treats its old plaintext session ids as invalid", async () => {
    const db = new Database(":memory:");
    db.exec(LUCIA_V2_SCHEMA);
    db.prepare("INSERT INTO user VALUES ('v2user000000001', 'ada')").run();
    const oldId = "abcdefghijklmnopqrstuvwxyz0123456789abcd";
    db.prepare("INSERT INTO user_session VALUES (?, 'v2user000000001', ?, ?)").run(
      oldId,
      Date.now() + 60_000,
      Date.now() + 120_000,
    );
    const auth = lucia({ adapter: sqlite(db) });

    expect(await codeOf(auth.validateSession(oldId))).toBe("AUTH_INVALID_SESSION_ID");
  });

  it("refuses Lucia v1 bcrypt hashes with AUTH_OUTDATED_PASSWORD", async () => {
    const db = new Database(":memory:");
    db.exec(LUCIA_V2_SCHEMA);
    db.prepare("INSERT INTO user VALUES ('u1', 'old')").run();
    db.prepare("INSERT INTO user_key VALUES ('username:old', 'u1', ?)").run(
      "$2a$10$abcdefghijklmnopqrstuuXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    );
    const auth = lucia({ adapter: sqlite(db) });

    expect(await codeOf(auth.useKey("username", "old", "anything"))).toBe("AUTH_OUTDATED_PASSWORD");
  });
});

describe("engine", () => {
  function openAuth() {
    const db = new Database(":memory:");
    db.exec(sqliteSchema());
    db.exec("ALTER TABLE user ADD COLUMN username TEXT");
    return { db, auth: lucia({ adapter: sqlite(db) }) };
  }

  it("hashes passwords with scrypt in the s2 format by default", async () => {
    const { db, auth } = openAuth();

    await auth.createUser({
      key: { providerId: "username", providerUserId: "ada", password: "pw-123456" },
      attributes: { username: "ada" },
    });

    const row = db.prepare("SELECT hashed_password FROM user_key").get() as {
      hashed_password: string;
    };
    expect(row.hashed_password).toMatch(/^s2:[a-z0-9]{16}:[0-9a-f]{128}$/);
  });

  it("checks a password even for an unknown key, so timing reveals no usernames", async () => {
    const validate = vi.fn(async () => false);
    const db = new Database(":memory:");
    db.exec(sqliteSchema());
    const auth = lucia({
      adapter: sqlite(db),
      passwordHash: { generate: async (password) => `plain:${password}`, validate },
    });

    expect(await codeOf(auth.useKey("username", "nobody", "guess"))).toBe("AUTH_INVALID_KEY_ID");
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it("rejects provider ids containing a colon", async () => {
    const { auth } = openAuth();

    expect(await codeOf(auth.getKey("a:b", "c"))).toBe("AUTH_INVALID_KEY_ID");
  });

  it("reports a closed database as AUTH_DATABASE_FAILURE with the driver error as cause", async () => {
    const { db, auth } = openAuth();
    const user = await auth.createUser({ key: null, attributes: {} });
    const session = await auth.createSession({ userId: user.userId, attributes: {} });
    db.close();

    const error = await auth.validateSession(session.token!).catch((caught: unknown) => caught);

    expect(isDatabaseFailure(error)).toBe(true);
    expect((error as LuciaError).message).toMatch(/^AUTH_DATABASE_FAILURE/);
    expect((error as LuciaError).cause).toBeInstanceOf(Error);
    expect((error as LuciaError).message).not.toContain(session.token!);
  });
});

describe("updateKeyPassword", () => {
  async function signedInTwice() {
    const db = new Database(":memory:");
    db.exec(sqliteSchema());
    const auth = lucia({
      adapter: sqlite(db),
      passwordHash: {
        generate: async (password) => `plain:${password}`,
        validate: async (password, hash) => hash === `plain:${password}`,
      },
    });
    const user = await auth.createUser({
      key: { providerId: "username", providerUserId: "ada", password: "old" },
      attributes: {},
    });
    const current = await auth.createSession({ userId: user.userId, attributes: {} });
    const other = await auth.createSession({ userId: user.userId, attributes: {} });
    return { auth, current, other };
  }

  it("keeps sessions by default", async () => {
    const { auth, current, other } = await signedInTwice();

    await auth.updateKeyPassword("username", "ada", "new");

    expect((await auth.validateSession(current.token!)).sessionId).toBe(current.sessionId);
    expect((await auth.validateSession(other.token!)).sessionId).toBe(other.sessionId);
  });

  it("can sign out every other session and keep the current one", async () => {
    const { auth, current, other } = await signedInTwice();

    await auth.updateKeyPassword("username", "ada", "new", {
      invalidateUserSessions: { except: current.sessionId },
    });

    expect((await auth.validateSession(current.token!)).sessionId).toBe(current.sessionId);
    expect(await codeOf(auth.validateSession(other.token!))).toBe("AUTH_INVALID_SESSION_ID");
    expect((await auth.useKey("username", "ada", "new")).providerUserId).toBe("ada");
  });

  it("can sign out every session", async () => {
    const { auth, current, other } = await signedInTwice();

    await auth.updateKeyPassword("username", "ada", "new", { invalidateUserSessions: true });

    expect(await codeOf(auth.validateSession(current.token!))).toBe("AUTH_INVALID_SESSION_ID");
    expect(await codeOf(auth.validateSession(other.token!))).toBe("AUTH_INVALID_SESSION_ID");
  });
});

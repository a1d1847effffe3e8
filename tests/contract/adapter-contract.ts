import { createHash, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { lucia, type Auth, type Configuration } from "../../src/index.js";
import type {
  Adapter,
  AdapterConfig,
  SessionAdapter,
  SessionSchema,
  UserAdapter,
} from "../../src/adapters/types.js";
import { codeOf } from "../support/outcome.js";

/**
 * What a store under test provides. Its schema must have a nullable `username` text column on
 * the user table and a nullable `created_at` integer column on the session table.
 */
export interface ContractStore {
  adapter: AdapterConfig;
  /** Closes connections and removes what the run created. */
  teardown?: () => Promise<void> | void;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ACTIVE = DAY;
const IDLE = 14 * DAY;

// Fast, deterministic password hashing: the contract is about storage, not scrypt.
const plainPasswordHash = {
  generate: async (password: string) => `test:${password}`,
  validate: async (password: string, hash: string) => hash === `test:${password}`,
};

function halves(adapter: AdapterConfig): { users: UserAdapter; sessions: SessionAdapter } {
  if ("user" in adapter && "session" in adapter) {
    return { users: adapter.user, sessions: adapter.session };
  }
  return { users: adapter, sessions: adapter };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The storage contract every adapter must pass, driven through the public engine and through
 * the adapter's own methods. Each case works on its own fresh user.
 */
export function runAdapterContract(name: string, open: () => Promise<ContractStore>): void {
  describe(`adapter contract: ${name}`, () => {
    let store: ContractStore;
    let users: UserAdapter;
    let sessions: SessionAdapter;
    let auth: Auth<Configuration>;

    beforeAll(async () => {
      store = await open();
      ({ users, sessions } = halves(store.adapter));
      auth = lucia({
        adapter: store.adapter,
        env: "DEV",
        passwordHash: plainPasswordHash,
        sessionExpiresIn: { activePeriod: ACTIVE, idlePeriod: IDLE },
        getUserAttributes: (user) => ({ username: user["username"] as string | null }),
        getSessionAttributes: (session) => ({ createdAt: session["created_at"] as number | null }),
      });
    });

    afterAll(async () => {
      await store?.teardown?.();
    });

    afterEach(() => {
      vi.useRealTimers();
    });

    /** Freezes the clock at the real current time (servers such as Redis keep real time). */
    function freezeClock(): number {
      const now = Date.now();
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(now);
      return now;
    }

    async function newUser(password: string | null = "secret-password") {
      const username = `user-${randomUUID()}`;
      const user = await auth.createUser({
        key: { providerId: "username", providerUserId: username, password },
        attributes: { username },
      });
      return { user, username };
    }

    describe("users and keys", () => {
      it("createUser stores the user and its key, and getUser reads the attributes back", async () => {
        const { user, username } = await newUser();

        expect(await auth.getUser(user.userId)).toEqual({ userId: user.userId, username });
        expect(await auth.getKey("username", username)).toEqual({
          providerId: "username",
          providerUserId: username,
          userId: user.userId,
          passwordDefined: true,
        });
      });

      it("createUser keeps a given user id and accepts key: null", async () => {
        const userId = `given-${randomUUID()}`;

        const user = await auth.createUser({ userId, key: null, attributes: { username: null } });

        expect(user.userId).toBe(userId);
        expect(await auth.getAllUserKeys(userId)).toEqual([]);
      });

      it("createUser generates distinct 15-character ids", async () => {
        const [a, b] = await Promise.all([newUser(), newUser()]);

        expect(a.user.userId).toMatch(/^[a-z0-9]{15}$/);
        expect(a.user.userId).not.toBe(b.user.userId);
      });

      it("createUser with a taken key id fails with AUTH_DUPLICATE_KEY_ID and writes no user", async () => {
        const { username } = await newUser();
        const userId = `dup-${randomUUID()}`;

        const code = await codeOf(
          auth.createUser({
            userId,
            key: { providerId: "username", providerUserId: username, password: "x" },
            attributes: { username: null },
          }),
        );

        expect(code).toBe("AUTH_DUPLICATE_KEY_ID");
        expect(await users.getUser(userId)).toBeNull();
      });

      it("createUser with a taken user id fails with AUTH_INVALID_USER_ID", async () => {
        const { user } = await newUser();

        const code = await codeOf(
          auth.createUser({ userId: user.userId, key: null, attributes: { username: null } }),
        );

        expect(code).toBe("AUTH_INVALID_USER_ID");
      });

      it("getUser of an unknown id fails with AUTH_INVALID_USER_ID", async () => {
        expect(await codeOf(auth.getUser(`missing-${randomUUID()}`))).toBe("AUTH_INVALID_USER_ID");
        expect(await users.getUser(`missing-${randomUUID()}`)).toBeNull();
      });

      it("updateUserAttributes changes the stored attribute and returns the new user", async () => {
        const { user } = await newUser();

        const updated = await auth.updateUserAttributes(user.userId, { username: "renamed" });

        expect(updated).toEqual({ userId: user.userId, username: "renamed" });
        expect((await users.getUser(user.userId))?.["username"]).toBe("renamed");
      });

      it("updateUserAttributes of an unknown user fails with AUTH_INVALID_USER_ID", async () => {
        const code = await codeOf(auth.updateUserAttributes(`missing-${randomUUID()}`, {}));

        expect(code).toBe("AUTH_INVALID_USER_ID");
      });

      it("useKey accepts the right password and refuses a wrong one or an unknown key", async () => {
        const { user, username } = await newUser("right-password");

        const key = await auth.useKey("username", username, "right-password");

        expect(key.userId).toBe(user.userId);
        expect(await codeOf(auth.useKey("username", username, "wrong"))).toBe(
          "AUTH_INVALID_PASSWORD",
        );
        expect(await codeOf(auth.useKey("username", `nobody-${randomUUID()}`, "x"))).toBe(
          "AUTH_INVALID_KEY_ID",
        );
      });

      it("useKey on a key without a password needs a null password", async () => {
        const { username } = await newUser(null);

        expect((await auth.useKey("username", username, null)).passwordDefined).toBe(false);
        expect(await codeOf(auth.useKey("username", username, "guess"))).toBe(
          "AUTH_INVALID_PASSWORD",
        );
      });

      it("createKey adds a second key; a duplicate fails with AUTH_DUPLICATE_KEY_ID", async () => {
        const { user } = await newUser();
        const email = `${randomUUID()}@example.com`;

        await auth.createKey({
          userId: user.userId,
          providerId: "email",
          providerUserId: email,
          password: "pw",
        });
        const duplicate = auth.createKey({
          userId: user.userId,
          providerId: "email",
          providerUserId: email,
          password: null,
        });

        expect(await codeOf(duplicate)).toBe("AUTH_DUPLICATE_KEY_ID");
        const keys = await auth.getAllUserKeys(user.userId);
        expect(keys.map((key) => key.providerId).sort()).toEqual(["email", "username"]);
      });

      it("createKey for an unknown user fails with AUTH_INVALID_USER_ID", async () => {
        const code = await codeOf(
          auth.createKey({
            userId: `missing-${randomUUID()}`,
            providerId: "email",
            providerUserId: randomUUID(),
            password: null,
          }),
        );

        expect(code).toBe("AUTH_INVALID_USER_ID");
      });

      it("provider user ids may contain colons", async () => {
        const { user } = await newUser();
        const providerUserId = `a:b:${randomUUID()}`;

        await auth.createKey({
          userId: user.userId,
          providerId: "oidc",
          providerUserId,
          password: null,
        });

        expect((await auth.getKey("oidc", providerUserId)).providerUserId).toBe(providerUserId);
      });

      it("updateKeyPassword replaces the password; an unknown key fails", async () => {
        const { username } = await newUser("old-password");

        await auth.updateKeyPassword("username", username, "new-password");

        expect(await codeOf(auth.useKey("username", username, "old-password"))).toBe(
          "AUTH_INVALID_PASSWORD",
        );
        expect((await auth.useKey("username", username, "new-password")).passwordDefined).toBe(
          true,
        );
        expect(await codeOf(auth.updateKeyPassword("username", `no-${randomUUID()}`, "x"))).toBe(
          "AUTH_INVALID_KEY_ID",
        );
      });

      it("deleteKey removes only that key", async () => {
        const { user, username } = await newUser();
        await auth.createKey({
          userId: user.userId,
          providerId: "email",
          providerUserId: username,
          password: null,
        });

        await auth.deleteKey("username", username);

        expect(await codeOf(auth.getKey("username", username))).toBe("AUTH_INVALID_KEY_ID");
        expect((await auth.getKey("email", username)).userId).toBe(user.userId);
      });

      it("deleteUser removes the user, its keys and its sessions", async () => {
        const { user, username } = await newUser();
        const session = await auth.createSession({ userId: user.userId, attributes: {} });

        await auth.deleteUser(user.userId);

        expect(await users.getUser(user.userId)).toBeNull();
        expect(await users.getKey(`username:${username}`)).toBeNull();
        expect(await sessions.getSession(session.sessionId)).toBeNull();
        expect(await codeOf(auth.validateSession(session.token!))).toBe("AUTH_INVALID_SESSION_ID");
      });

      it("deleteKeysByUserId removes every key of the user", async () => {
        const { user, username } = await newUser();

        await users.deleteKeysByUserId(user.userId);

        expect(await users.getKey(`username:${username}`)).toBeNull();
        expect(await users.getKeysByUserId(user.userId)).toEqual([]);
      });
    });

    describe("sessions", () => {
      it("createSession stores only the SHA-256 of the token, with numeric expiries", async () => {
        const { user } = await newUser();
        const now = freezeClock();

        const session = await auth.createSession({
          userId: user.userId,
          attributes: { created_at: now },
        });

        expect(session.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
        expect(session.sessionId).toBe(sha256(session.token!));
        expect(await sessions.getSession(session.token!)).toBeNull();
        const row = await sessions.getSession(session.sessionId);
        expect(row).toMatchObject({
          id: session.sessionId,
          user_id: user.userId,
          active_expires: now + ACTIVE,
          idle_expires: now + ACTIVE + IDLE,
        });
        expect(typeof row?.active_expires).toBe("number");
        expect(session).toMatchObject({ state: "active", fresh: true, createdAt: now });
      });

      it("createSession for an unknown user fails with AUTH_INVALID_USER_ID", async () => {
        const code = await codeOf(
          auth.createSession({ userId: `missing-${randomUUID()}`, attributes: {} }),
        );

        expect(code).toBe("AUTH_INVALID_USER_ID");
      });

      it("validateSession returns the active session and its user without renewing", async () => {
        const { user, username } = await newUser();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });

        const session = await auth.validateSession(created.token!);

        expect(session).toMatchObject({
          sessionId: created.sessionId,
          userId: user.userId,
          user: { userId: user.userId, username },
          state: "active",
          fresh: false,
        });
        expect(session.token).toBe(created.token);
      });

      it("a session is active until the exact millisecond its active period ends", async () => {
        const { user } = await newUser();
        const start = freezeClock();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });

        vi.setSystemTime(start + ACTIVE - 1);
        const lastActive = await auth.validateSession(created.token!);

        expect(lastActive).toMatchObject({ state: "active", fresh: false });
        expect(lastActive.activePeriodExpiresAt.getTime()).toBe(start + ACTIVE);
      });

      it("an idle session is renewed in place: same id, new expiries, fresh", async () => {
        const { user } = await newUser();
        const start = freezeClock();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });

        const renewedAt = start + ACTIVE;
        vi.setSystemTime(renewedAt);
        const renewed = await auth.validateSession(created.token!);

        expect(renewed).toMatchObject({
          sessionId: created.sessionId,
          state: "active",
          fresh: true,
        });
        expect(renewed.activePeriodExpiresAt.getTime()).toBe(renewedAt + ACTIVE);
        expect(renewed.idlePeriodExpiresAt.getTime()).toBe(renewedAt + ACTIVE + IDLE);
        expect(await sessions.getSession(created.sessionId)).toMatchObject({
          active_expires: renewedAt + ACTIVE,
          idle_expires: renewedAt + ACTIVE + IDLE,
        });
        expect(await auth.validateSession(created.token!)).toMatchObject({ fresh: false });
      });

      it("a session is dead from the exact millisecond its idle period ends", async () => {
        const { user } = await newUser();
        const start = freezeClock();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });

        vi.setSystemTime(start + ACTIVE + IDLE - 1);
        const lastIdle = await auth.getSession(created.sessionId);
        vi.setSystemTime(start + ACTIVE + IDLE);

        expect(lastIdle.state).toBe("idle");
        expect(await codeOf(auth.validateSession(created.token!))).toBe("AUTH_INVALID_SESSION_ID");
        expect(await codeOf(auth.getSession(created.sessionId))).toBe("AUTH_INVALID_SESSION_ID");
      });

      it("validateSession refuses unknown and malformed tokens", async () => {
        expect(await codeOf(auth.validateSession("A".repeat(32)))).toBe("AUTH_INVALID_SESSION_ID");
        expect(await codeOf(auth.validateSession("not a token;"))).toBe("AUTH_INVALID_SESSION_ID");
        expect(await codeOf(auth.validateSession(""))).toBe("AUTH_INVALID_SESSION_ID");
      });

      it("getSession never renews an idle session", async () => {
        const { user } = await newUser();
        const start = freezeClock();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });

        vi.setSystemTime(start + ACTIVE + HOUR);
        const session = await auth.getSession(created.sessionId);

        expect(session).toMatchObject({ state: "idle", fresh: false });
        expect(session.token).toBeUndefined();
        expect((await sessions.getSession(created.sessionId))?.active_expires).toBe(start + ACTIVE);
      });

      it("renewSession writes only when active_expires still matches", async () => {
        const { user } = await newUser();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });
        const row = (await sessions.getSession(created.sessionId)) as SessionSchema;
        const renewal = {
          active_expires: row.active_expires + 5,
          idle_expires: row.idle_expires + 5,
        };

        const first = await sessions.renewSession(row.id, renewal, row.active_expires);
        const second = await sessions.renewSession(
          row.id,
          { active_expires: row.active_expires + 9, idle_expires: row.idle_expires + 9 },
          row.active_expires,
        );

        expect([first, second]).toEqual([true, false]);
        expect(await sessions.getSession(row.id)).toMatchObject(renewal);
      });

      it("renewSession never re-creates a deleted session", async () => {
        const { user } = await newUser();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });
        const row = (await sessions.getSession(created.sessionId)) as SessionSchema;
        await auth.invalidateSession(row.id);

        const renewed = await sessions.renewSession(
          row.id,
          { active_expires: row.active_expires + 1, idle_expires: row.idle_expires + 1 },
          row.active_expires,
        );

        expect(renewed).toBe(false);
        expect(await sessions.getSession(row.id)).toBeNull();
      });

      it("getAllUserSessions lists the live sessions and leaves dead ones out", async () => {
        const { user } = await newUser();
        const start = freezeClock();
        const old = await auth.createSession({ userId: user.userId, attributes: {} });
        vi.setSystemTime(start + IDLE);
        const recent = await auth.createSession({ userId: user.userId, attributes: {} });

        vi.setSystemTime(start + ACTIVE + IDLE);
        const live = await auth.getAllUserSessions(user.userId);

        expect(live.map((session) => session.sessionId)).toEqual([recent.sessionId]);
        expect(old.sessionId).not.toBe(recent.sessionId);
        expect(live[0]?.token).toBeUndefined();
      });

      it("getAllUserSessions of an unknown user fails with AUTH_INVALID_USER_ID", async () => {
        const code = await codeOf(auth.getAllUserSessions(`missing-${randomUUID()}`));

        expect(code).toBe("AUTH_INVALID_USER_ID");
      });

      it("updateSessionAttributes stores the attribute; unknown sessions fail", async () => {
        const { user } = await newUser();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });

        const updated = await auth.updateSessionAttributes(created.sessionId, { created_at: 42 });

        expect(updated).toMatchObject({ sessionId: created.sessionId, createdAt: 42 });
        expect(await codeOf(auth.updateSessionAttributes(sha256("nope"), {}))).toBe(
          "AUTH_INVALID_SESSION_ID",
        );
      });

      it("invalidateSession ends one session and leaves the others", async () => {
        const { user } = await newUser();
        const a = await auth.createSession({ userId: user.userId, attributes: {} });
        const b = await auth.createSession({ userId: user.userId, attributes: {} });

        await auth.invalidateSession(a.sessionId);
        await auth.invalidateSession(sha256("unknown"));

        expect(await codeOf(auth.validateSession(a.token!))).toBe("AUTH_INVALID_SESSION_ID");
        expect((await auth.validateSession(b.token!)).sessionId).toBe(b.sessionId);
      });

      it("invalidateAllUserSessions ends every session of that user only", async () => {
        const { user } = await newUser();
        const other = await newUser();
        const mine = await auth.createSession({ userId: user.userId, attributes: {} });
        const theirs = await auth.createSession({ userId: other.user.userId, attributes: {} });

        await auth.invalidateAllUserSessions(user.userId);

        expect(await sessions.getSessionsByUserId(user.userId)).toEqual([]);
        expect(await codeOf(auth.validateSession(mine.token!))).toBe("AUTH_INVALID_SESSION_ID");
        expect((await auth.validateSession(theirs.token!)).userId).toBe(other.user.userId);
      });

      it("deleteDeadUserSessions removes that user's dead sessions and keeps live ones", async () => {
        const { user } = await newUser();
        const other = await newUser();
        const start = freezeClock();
        const dead = await auth.createSession({ userId: user.userId, attributes: {} });
        const othersDead = await auth.createSession({ userId: other.user.userId, attributes: {} });
        vi.setSystemTime(start + IDLE);
        const live = await auth.createSession({ userId: user.userId, attributes: {} });
        vi.setSystemTime(start + ACTIVE + IDLE);

        await auth.deleteDeadUserSessions(user.userId);

        expect(await sessions.getSession(dead.sessionId)).toBeNull();
        expect(await sessions.getSession(live.sessionId)).not.toBeNull();
        expect(await sessions.getSession(othersDead.sessionId)).not.toBeNull();
      });

      it("deleteExpiredSessions removes dead sessions of every user", async () => {
        const a = await newUser();
        const b = await newUser();
        const start = freezeClock();
        const deadA = await auth.createSession({ userId: a.user.userId, attributes: {} });
        const deadB = await auth.createSession({ userId: b.user.userId, attributes: {} });
        vi.setSystemTime(start + IDLE);
        const live = await auth.createSession({ userId: a.user.userId, attributes: {} });
        vi.setSystemTime(start + ACTIVE + IDLE);

        await auth.deleteExpiredSessions();

        expect(await sessions.getSession(deadA.sessionId)).toBeNull();
        expect(await sessions.getSession(deadB.sessionId)).toBeNull();
        expect(await sessions.getSession(live.sessionId)).not.toBeNull();
      });

      it("parallel validations of one idle session renew it with one write", async () => {
        const { user } = await newUser();
        const start = freezeClock();
        const created = await auth.createSession({ userId: user.userId, attributes: {} });
        vi.setSystemTime(start + ACTIVE + HOUR);
        const renewSession = vi.spyOn(sessions, "renewSession");

        const results = await Promise.all(
          Array.from({ length: 20 }, () => auth.validateSession(created.token!)),
        );

        expect(results.every((session) => session.sessionId === created.sessionId)).toBe(true);
        expect(renewSession).toHaveBeenCalledTimes(1);
        renewSession.mockRestore();
      });

      it("getSessionAndUser (when the adapter has it) returns both rows with attributes", async () => {
        const joined = (sessions as Adapter).getSessionAndUser?.bind(sessions);
        if (!joined) return;
        const { user, username } = await newUser();
        const created = await auth.createSession({
          userId: user.userId,
          attributes: { created_at: 7 },
        });

        const [sessionRow, userRow] = await joined(created.sessionId);

        expect(sessionRow).toMatchObject({
          id: created.sessionId,
          user_id: user.userId,
          created_at: 7,
        });
        expect(userRow).toMatchObject({ id: user.userId, username });
        expect(await joined(sha256("unknown"))).toEqual([null, null]);
      });
    });
  });
}

import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import { LuciaError, lucia, type Configuration, type Middleware } from "../../src/index.js";

/** A request from `address`, as a middleware reports it. */
const fromAddress: Middleware<[address: string, forwardedFor?: string]> = ({
  args: [address, forwardedFor],
}) => ({
  request: {
    method: "POST",
    url: "http://app.test/sign-in",
    headers: new Headers({ origin: "http://app.test", "x-forwarded-for": forwardedFor ?? "" }),
  },
  clientAddress: address,
});

async function openAuth(config: Partial<Configuration> = {}) {
  const db = new Database(":memory:");
  db.exec(sqliteSchema());
  const auth = lucia({
    adapter: sqlite(db),
    middleware: fromAddress,
    passwordHash: {
      generate: async (password) => `plain:${password}`,
      validate: async (password, hash) => hash === `plain:${password}`,
    },
    ...config,
  });
  await auth.createUser({
    key: { providerId: "username", providerUserId: "ada", password: "right" },
    attributes: {},
  });
  return auth;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "ok",
    (error: unknown) => (error instanceof LuciaError ? error.code : Promise.reject(error)),
  );
}

describe("authRequest.useKey", () => {
  it("is throttled by default: the sixth attempt after 5 failures is refused", async () => {
    const auth = await openAuth();

    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(await codeOf(auth.handleRequest("198.51.100.1").useKey("username", "ada", "x")));
    }

    expect(codes).toEqual([...Array(5).fill("AUTH_INVALID_PASSWORD"), "AUTH_TOO_MANY_REQUESTS"]);
    const refusal = await auth
      .handleRequest("198.51.100.2")
      .useKey("username", "ada", "right")
      .catch((error: LuciaError) => error);
    expect(refusal).toMatchObject({ code: "AUTH_TOO_MANY_REQUESTS", retryAfterSeconds: 30 });
  });

  it("signs in with the right password and then starts counting afresh", async () => {
    const auth = await openAuth();
    for (let i = 0; i < 4; i++)
      await codeOf(auth.handleRequest("198.51.100.1").useKey("username", "ada", "x"));

    const key = await auth.handleRequest("198.51.100.1").useKey("username", "ada", "right");

    expect(key.providerUserId).toBe("ada");
    expect(await codeOf(auth.handleRequest("198.51.100.3").useKey("username", "ada", "x"))).toBe(
      "AUTH_INVALID_PASSWORD",
    );
  });

  it("ignores a forged X-Forwarded-For: the connection's address is counted", async () => {
    const auth = await openAuth();
    for (let i = 0; i < 5; i++) {
      const forged = `203.0.113.${i}`;
      await codeOf(
        auth.handleRequest("198.51.100.9", forged).useKey("username", `nobody${i}`, "x"),
      );
    }

    const next = auth
      .handleRequest("198.51.100.9", "203.0.113.200")
      .useKey("username", "ada", "right");

    expect(await codeOf(next)).toBe("AUTH_TOO_MANY_REQUESTS");
  });

  it("is not throttled with signInThrottle: false, and auth.useKey never is", async () => {
    const auth = await openAuth({ signInThrottle: false });

    const codes = new Set<string>();
    for (let i = 0; i < 8; i++) {
      codes.add(await codeOf(auth.handleRequest("198.51.100.1").useKey("username", "ada", "x")));
      codes.add(await codeOf(auth.useKey("username", "ada", "x")));
    }

    expect([...codes]).toEqual(["AUTH_INVALID_PASSWORD"]);
  });
});

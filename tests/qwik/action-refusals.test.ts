import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import { countedDatabase, createAuth, type CountedDatabase } from "../request/fixture.js";
import { idOf, ORIGIN, send, submit } from "./harness.js";
import { AUTH_HEADER, registerAuth } from "./registry.js";
import * as signInRoute from "./routes/sign-in/index.js";

let database: CountedDatabase;
let auth: Auth<any>;
let headers: Record<string, string>;

beforeEach(async () => {
  database = countedDatabase();
  auth = createAuth(database, {
    env: "DEV",
    passwordHash: {
      generate: async (password: string) => `plain:${password}`,
      validate: async (password: string, hash: string) => hash === `plain:${password}`,
    },
  });
  headers = { [AUTH_HEADER]: registerAuth(auth) };
  await auth.createUser({
    key: { providerId: "username", providerUserId: "ada", password: "right" },
    attributes: {},
  });
  database.reset();
});
afterEach(() => database.close());

const signIn = (password: string) =>
  submit("/sign-in", idOf(signInRoute.useSignIn), { username: "ada", password }, headers);

describe("a throttled sign-in in routeAuthAction$", () => {
  it("answers fail(429) with Retry-After and a message after 5 failures", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn("wrong")).status);

    const refused = await signIn("right");

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.data.loaders[idOf(signInRoute.useSignIn)]).toMatchObject({
      failed: true,
      message: "Too many failed sign-ins. Wait 30 seconds, then try again.",
    });
    expect(refused.setCookies.filter((cookie) => /^auth_session=[\w-]{32};/.test(cookie))).toEqual(
      [],
    );
  });

  it("signs in with a new session cookie when not throttled", async () => {
    const response = await signIn("right");

    expect(response.status).toBe(200);
    expect(response.setCookies.some((cookie) => /^auth_session=[\w-]{32};/.test(cookie))).toBe(
      true,
    );
  });

  it("answers 503, not a sign-out, when the store fails during the action", async () => {
    database.breakSessions();

    const response = await signIn("right");

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    database.recover();
  });
});

describe("a malformed action body", () => {
  it.each([
    ["malformed JSON", "application/json", "{not json"],
    ["a JSON array", "application/json", "[1,2]"],
    ["a broken multipart body", "multipart/form-data; boundary=x", "--y\r\nnonsense"],
  ])("is answered 400 before the action runs: %s", async (_name, contentType, body) => {
    const response = await send(`/sign-in/q-data.json?qaction=${idOf(signInRoute.useSignIn)}`, {
      method: "POST",
      headers: { ...headers, origin: ORIGIN, "content-type": contentType },
      body,
    });

    expect(response.status).toBe(400);
    expect(database.count).toBe(0);
  });
});

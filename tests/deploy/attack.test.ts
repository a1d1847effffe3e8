import Database from "better-sqlite3";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asHeaderValue, requestParts } from "../hardening/fuzz-input.js";
import { removeKeys, connectRedis, testPrefix } from "../support/redis.js";
import { ensureExampleAppBuilt, startAppServer, type AppServer } from "../support/example-app.js";
import { POSTGRES_URL, REDIS_URL, requireService } from "../support/services.js";
import { proxyTo, type TcpProxy } from "../support/tcp-proxy.js";
import {
  CookieClient,
  formAction,
  me,
  PASSWORD,
  signIn,
  signUp,
  submitForm,
  type Me,
} from "./app-client.js";
import { rawRequest } from "../support/raw-http.js";

const FUZZ_RUNS = 1_000;
let counter = 0;
const uniqueName = (): string => `att${Date.now().toString(36)}${++counter}`;

/** An app on a SQLite file of its own; `file` is that file, for checking what changed. */
async function sqliteApp(): Promise<AppServer & { file: string; close(): Promise<void> }> {
  const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-attack-"));
  const file = join(directory, "app.db");
  const server = await startAppServer({ DATABASE_PATH: file });
  return {
    ...server,
    file,
    close: async () => {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A signed-in client of a new user. */
async function newUser(server: string): Promise<{ client: CookieClient; name: string }> {
  const name = uniqueName();
  const client = new CookieClient(server);
  expect((await signUp(client, server, name)).status).toBe(303);
  return { client, name };
}

beforeAll(() => {
  ensureExampleAppBuilt();
});

describe("sessions in the example app", () => {
  let app: Awaited<ReturnType<typeof sqliteApp>>;
  beforeAll(async () => {
    app = await sqliteApp();
  });
  afterAll(() => app.close());

  it("signing in always issues a new session, never the one the browser carried", async () => {
    const { client, name } = await newUser(app.url);
    const before = client.session;
    const planted = new CookieClient(app.url);
    planted.session = "AttackerChosenTokenAAAAAAAAAAAAA";

    await signIn(client, app.url, name);
    await signIn(planted, app.url, name);

    expect(client.session).toMatch(/^[\w-]{32}$/);
    expect(client.session).not.toBe(before);
    expect(planted.session).not.toBe("AttackerChosenTokenAAAAAAAAAAAAA");
    expect((await me(planted, app.url)).status).toBe(200);
  });

  it("changing the password signs out every other session and keeps this one", async () => {
    const { client, name } = await newUser(app.url);
    const elsewhere = new CookieClient(app.url);
    expect((await signIn(elsewhere, app.url, name)).status).toBe(303);

    const response = await submitForm(
      client,
      app.url,
      "/profile/",
      { currentPassword: PASSWORD, newPassword: "a brand new password" },
      'name="currentPassword"',
    );

    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Your password is changed.");
    expect((await me(client, app.url)).status).toBe(200);
    expect((await me(elsewhere, app.url)).status).toBe(401);
    expect((await signIn(new CookieClient(app.url), app.url, name)).status).toBe(401);
    const fresh = new CookieClient(app.url);
    expect((await signIn(fresh, app.url, name, "a brand new password")).status).toBe(303);
  });

  it("a wrong current password changes nothing", async () => {
    const { client, name } = await newUser(app.url);

    const response = await submitForm(
      client,
      app.url,
      "/profile/",
      { currentPassword: "not it", newPassword: "another new password" },
      'name="currentPassword"',
    );

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Your current password is wrong.");
    expect((await signIn(new CookieClient(app.url), app.url, name)).status).toBe(303);
  });
});

describe("sign-in throttling in the example app", () => {
  // An app per test: every request comes from 127.0.0.1, whose failures are counted too.
  let app: Awaited<ReturnType<typeof sqliteApp>>;
  beforeEach(async () => {
    app = await sqliteApp();
  });
  afterEach(() => app.close());

  it("five wrong passwords: the sixth attempt gets 429, Retry-After and a message", async () => {
    const { name } = await newUser(app.url);
    const client = new CookieClient(app.url);

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await signIn(client, app.url, name, "wrong")).status);
    const refused = await signIn(client, app.url, name);

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many failed sign-ins.");
    expect(client.session).toBeUndefined();
  });

  it("POST /api/token is throttled too, with a JSON 429", async () => {
    const { name } = await newUser(app.url);
    const token = (password: string) =>
      fetch(`${app.url}/api/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: name, password }),
      });

    for (let i = 0; i < 5; i++) expect((await token("wrong")).status).toBe(401);
    const refused = await token(PASSWORD);

    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: "too_many_requests" });
  });
});

describe("fuzzing the example app's endpoints", () => {
  let app: Awaited<ReturnType<typeof sqliteApp>>;
  let snapshot = "";
  let port = 0;
  const actions: Record<string, string> = {};

  /** Every row of the tables a request could change. */
  function databaseSnapshot(): string {
    const db = new Database(app.file, { readonly: true });
    try {
      const tables = ["user", "user_key", "user_session"];
      return JSON.stringify(
        tables.map((table) => db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all()),
      );
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    app = await sqliteApp();
    port = Number(new URL(app.url).port);
    await newUser(app.url);
    const visitor = new CookieClient(app.url);
    for (const page of ["/sign-in/", "/sign-up/"]) {
      actions[page] = formAction(await (await visitor.get(app.url, page)).text());
    }
    snapshot = databaseSnapshot();
  });
  afterAll(() => app.close());

  it(`${FUZZ_RUNS} malformed requests are all answered below 500 and change nothing`, async () => {
    const parts = requestParts("NotAValidTokenNotAValidTokenAAAA");
    const target = fc.constantFrom(
      "GET /",
      "GET /profile/",
      "GET /sessions/",
      "GET /api/me",
      "GET /sign-out/",
      "POST /api/token",
      "POST /sign-in/",
      "POST /sign-up/",
      "POST /sign-out/",
      "POST /profile/",
    );
    const body = fc.oneof(
      fc.constant(""),
      parts.anyText,
      fc.json(),
      fc
        .record({ username: parts.anyText, password: fc.string({ maxLength: 7 }) })
        .map((fields) => new URLSearchParams(fields).toString()),
    );
    const contentType = fc.constantFrom(
      undefined,
      "application/x-www-form-urlencoded",
      "application/json",
      "multipart/form-data; boundary=x",
      "text/plain",
    );
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(
        target,
        parts.cookie,
        parts.authorization,
        parts.origin,
        contentType,
        body,
        async (route, cookie, authorization, origin, type, payload) => {
          const [method, path] = route.split(" ") as [string, string];
          const action = actions[path] ?? "";
          const lines = [`${method} ${path}${method === "POST" ? action : ""} HTTP/1.1`];
          lines.push(`Host: 127.0.0.1:${port}`);
          if (cookie !== undefined) lines.push(`Cookie: ${asHeaderValue(cookie)}`);
          if (authorization !== undefined) {
            lines.push(`Authorization: ${asHeaderValue(authorization)}`);
          }
          if (origin !== undefined) lines.push(`Origin: ${asHeaderValue(origin)}`);
          if (type !== undefined) lines.push(`Content-Type: ${type}`);
          const bytes = Buffer.from(method === "POST" ? payload : "", "utf8");
          lines.push(`Content-Length: ${bytes.length}`, "Connection: close");
          const status = await rawRequest(port, `${lines.join("\r\n")}\r\n\r\n`, bytes);

          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(status, `${route} answered ${status}`).toBeGreaterThan(0);
          expect(status, `${route} answered ${status}`).toBeLessThan(500);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );

    expect(databaseSnapshot()).toBe(snapshot);
    console.info(
      `fuzz (example app): ${FUZZ_RUNS} requests, statuses ${JSON.stringify(
        Object.fromEntries([...statuses].sort()),
      )}, database unchanged`,
    );
  });
});

const postgresService = await requireService("PostgreSQL");
const redisService = await requireService("Redis");

describe.each([
  ["PostgreSQL", postgresService.available, false],
  ["Redis", postgresService.available && redisService.available, true],
])("the example app while %s is down", (store, available, withRedis) => {
  let app: AppServer;
  let proxy: TcpProxy;
  const schema = `qwik_lucia_fault_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const prefix = testPrefix();

  beforeAll(async () => {
    if (!available) return;
    proxy = withRedis ? await proxyTo(REDIS_URL, 6379) : await proxyTo(POSTGRES_URL, 5432);
    const proxied = (url: string) => {
      const address = new URL(url);
      address.hostname = "127.0.0.1";
      address.port = String(proxy.port);
      return address.toString();
    };
    app = await startAppServer({
      DATABASE_URL: withRedis ? POSTGRES_URL : proxied(POSTGRES_URL),
      DATABASE_SCHEMA: schema,
      ...(withRedis && { REDIS_URL: proxied(REDIS_URL), REDIS_PREFIX: prefix }),
    });
  });

  afterAll(async () => {
    if (!available) return;
    await proxy.start().catch(() => {});
    await app.stop();
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    if (withRedis) {
      const client = connectRedis();
      await removeKeys(client, prefix);
      client.disconnect();
    }
  });

  it.skipIf(!available)(
    `answers 503 with a message, keeps the cookie, and the same cookie works once ${store} is back`,
    async () => {
      const { client } = await newUser(app.url);
      const token = client.session;
      expect((await me(client, app.url)).status).toBe(200);

      await proxy.stop();
      const api = await fetch(`${app.url}/api/me`, {
        headers: { cookie: `auth_session=${token}`, accept: "application/json" },
      });
      const page = await client.get(app.url, "/profile/");
      await proxy.start();
      let recovered = await me(client, app.url);
      for (let i = 0; i < 20 && recovered.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        recovered = await me(client, app.url);
      }

      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ message: expect.stringMatching(/try again/i) });
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(/temporarily unavailable/);
      expect(api.headers.getSetCookie()).toEqual([]);
      expect(client.session).toBe(token);
      expect(recovered.status).toBe(200);
      expect(((await recovered.json()) as Me).user.username).toMatch(/^att/);
    },
  );
});

import express from "express";
import fc from "fast-check";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lucia, node, express as expressMiddleware, web } from "../../src/middleware/index.js";
import type { AuthRequest } from "../../src/core/request.js";
import { countedDatabase, createAuth, signedInSession } from "../request/fixture.js";
import { asHeaderValue, requestParts } from "./fuzz-input.js";
import { rawRequest } from "../support/raw-http.js";

// Cases per middleware; the run prints the total and the outcome.
const IN_PROCESS_RUNS = 4_000;
const HTTP_RUNS = 1_000;

const database = countedDatabase();
let validToken = "";
let snapshot = "";
const totals = { cases: 0, failures: 0 };

/** Every row of every table, to prove the fuzz changed nothing. */
function databaseSnapshot(): string {
  const tables = ["user", "user_key", "user_session"];
  return JSON.stringify(
    tables.map((table) => database.db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all()),
  );
}

/** Runs every read of an `AuthRequest`: each must settle without a rejection. */
async function exercise(authRequest: AuthRequest): Promise<void> {
  try {
    await Promise.all([
      authRequest.validate(),
      authRequest.validateUser(),
      authRequest.validateBearerToken(),
    ]);
    authRequest.getSetCookieHeaders();
  } catch (error) {
    totals.failures++;
    throw error;
  }
}

beforeAll(async () => {
  const auth = createAuth(database, { middleware: lucia() });
  validToken = (await signedInSession(auth)).token!;
  snapshot = databaseSnapshot();
});

afterAll(() => {
  const unchanged = databaseSnapshot() === snapshot;
  database.close();
  console.info(
    `fuzz (request handling): ${totals.cases} cases, ${totals.failures} failed, ` +
      `database ${unchanged ? "unchanged" : "CHANGED"}`,
  );
});

describe("fuzzing handleRequest with malformed cookies, headers, origins and URLs", () => {
  it(`lucia(): ${IN_PROCESS_RUNS} requests settle signed in or out, never throw`, async () => {
    const auth = createAuth(database, { middleware: lucia() });
    const parts = requestParts(validToken);

    await fc.assert(
      fc.asyncProperty(
        parts.method,
        parts.path,
        parts.cookie,
        parts.authorization,
        parts.origin,
        parts.anyText,
        async (method, path, cookie, authorization, origin, raw) => {
          totals.cases++;
          const headers = new Map<string, string>();
          if (cookie !== undefined) headers.set("cookie", cookie);
          if (authorization !== undefined) headers.set("authorization", authorization);
          if (origin !== undefined) headers.set("origin", origin);
          headers.set("x-raw", raw);
          const authRequest = auth.handleRequest({
            request: {
              method,
              url: `http://127.0.0.1${path}`,
              headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
            },
            setCookie: (written) => void written.serialize(),
          });
          await exercise(authRequest);
        },
      ),
      { numRuns: IN_PROCESS_RUNS },
    );

    expect(databaseSnapshot()).toBe(snapshot);
  });

  it(`web(): ${IN_PROCESS_RUNS} real Requests settle, never throw`, async () => {
    const auth = createAuth(database, { middleware: web() });
    const parts = requestParts(validToken);

    await fc.assert(
      fc.asyncProperty(
        parts.method,
        parts.path,
        parts.cookie,
        parts.authorization,
        parts.origin,
        async (method, path, cookie, authorization, origin) => {
          totals.cases++;
          const headers = new Headers();
          if (cookie !== undefined) headers.set("cookie", asHeaderValue(cookie));
          if (authorization !== undefined)
            headers.set("authorization", asHeaderValue(authorization));
          if (origin !== undefined) headers.set("origin", asHeaderValue(origin));
          const request = new Request(`http://127.0.0.1${path}`, { method, headers });
          await exercise(auth.handleRequest(request));
        },
      ),
      { numRuns: IN_PROCESS_RUNS },
    );

    expect(databaseSnapshot()).toBe(snapshot);
  });

  describe.each([
    ["node()", () => node(), (handler: Handler) => createServer(handler)],
    [
      "express()",
      () => expressMiddleware(),
      (handler: Handler) => createServer(express().use((req, res) => void handler(req, res))),
    ],
  ] as const)("%s through a real server and raw sockets", (_name, middleware, listen) => {
    let server: Server;
    let port = 0;
    const statuses = new Map<number, number>();

    beforeAll(async () => {
      const auth = createAuth(database, { middleware: middleware() as never });
      server = listen(async (request, response) => {
        try {
          await exercise(auth.handleRequest(request as never, response as never));
          response.end("ok");
        } catch {
          response.statusCode = 500;
          response.end("failed");
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it(`${HTTP_RUNS} raw requests are answered below 500`, async () => {
      const parts = requestParts(validToken);

      await fc.assert(
        fc.asyncProperty(
          parts.method,
          parts.path,
          parts.cookie,
          parts.authorization,
          parts.origin,
          async (method, path, cookie, authorization, origin) => {
            totals.cases++;
            const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
            if (cookie !== undefined) lines.push(`Cookie: ${cookie}`);
            if (authorization !== undefined) lines.push(`Authorization: ${authorization}`);
            if (origin !== undefined) lines.push(`Origin: ${origin}`);
            const status = await rawRequest(
              port,
              `${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`,
            );
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            expect(status).toBeGreaterThan(0);
            expect(status).toBeLessThan(500);
          },
        ),
        { numRuns: HTTP_RUNS },
      );

      expect(databaseSnapshot()).toBe(snapshot);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(HTTP_RUNS / 2);
    });
  });
});

type Handler = (
  request: import("node:http").IncomingMessage,
  response: import("node:http").ServerResponse,
) => void;

import Database from "better-sqlite3";
import express from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sqlite, sqliteSchema } from "../../src/adapters/sqlite.js";
import { LuciaError, lucia, type Configuration } from "../../src/index.js";
import { express as expressMiddleware, node } from "../../src/middleware/index.js";

const plainPasswordHash = {
  generate: async (password: string) => `plain:${password}`,
  validate: async (password: string, hash: string) => hash === `plain:${password}`,
};

type SignIn = (username: string) => Promise<string>;

/** Answers each sign-in with the outcome's code: "ok", AUTH_INVALID_KEY_ID, ... */
function outcomeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "ok",
    (error: unknown) => (error instanceof LuciaError ? error.code : "crash"),
  );
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers.length = 0;
});

async function listen(server: Server): Promise<SignIn> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (username) => (await fetch(`${url}/?u=${username}`, { method: "POST" })).text();
}

function openAuth<M extends Configuration["middleware"]>(middleware: M) {
  const db = new Database(":memory:");
  db.exec(sqliteSchema());
  return lucia({ adapter: sqlite(db), middleware, passwordHash: plainPasswordHash });
}

describe("the client address reaches the sign-in throttle", () => {
  it("node(): five failures from one connection address refuse the next username too", async () => {
    const auth = openAuth(node());
    const signIn = await listen(
      createServer(async (request, response) => {
        const username = new URL(request.url ?? "/", "http://x").searchParams.get("u") ?? "";
        const authRequest = auth.handleRequest(request, response);
        response.end(await outcomeOf(authRequest.useKey("username", username, "guess")));
      }),
    );

    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await signIn(`nobody-${i}`));

    expect(outcomes).toEqual([...Array(5).fill("AUTH_INVALID_KEY_ID"), "AUTH_TOO_MANY_REQUESTS"]);
  });

  it("express(): the same, through req.ip", async () => {
    const auth = openAuth(expressMiddleware());
    const app = express();
    app.post("/", async (request, response) => {
      const authRequest = auth.handleRequest(request, response);
      const username = String(request.query["u"]);
      response.send(await outcomeOf(authRequest.useKey("username", username, "guess")));
    });
    const signIn = await listen(createServer(app));

    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await signIn(`nobody-${i}`));

    expect(outcomes.at(-1)).toBe("AUTH_TOO_MANY_REQUESTS");
  });
});

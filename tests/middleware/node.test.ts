import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Auth } from "../../src/core/auth.js";
import { LuciaError } from "../../src/core/errors.js";
import { node } from "../../src/middleware/node.js";
import {
  countedDatabase,
  createAuth,
  parseSetCookie,
  signedInSession,
  type CountedDatabase,
} from "../request/fixture.js";
import { httpDriver } from "./http-driver.js";
import { describeRequestHandling } from "./request-suite.js";

// The application sets cookies of its own before ours: they must survive.
const driver = httpDriver(
  node,
  (dispatch) => createServer((request, response) => void dispatch(request, response)),
  (response) => response.setHeader("Set-Cookie", ["theme=dark; Path=/", "lang=en; Path=/"]),
);

const withoutAppCookies = (setCookies: string[]): string[] =>
  setCookies.filter((value) => !value.startsWith("theme=") && !value.startsWith("lang="));

describeRequestHandling("node()", {
  ...driver,
  run: async (auth, request, handle) => {
    const outcome = await driver.run(auth, request, handle);
    expect(outcome.setCookies.slice(0, 2)).toEqual(["theme=dark; Path=/", "lang=en; Path=/"]);
    return { ...outcome, setCookies: withoutAppCookies(outcome.setCookies) };
  },
});

describe("node()", () => {
  let database: CountedDatabase;
  let auth: Auth<any>;

  beforeEach(async () => {
    database = countedDatabase();
    auth = createAuth(database, { middleware: node() });
    await driver.start!();
  });
  afterEach(async () => {
    await driver.stop!();
    database.close();
  });

  it("keeps the app's Set-Cookie values and replaces only its own", async () => {
    const session = await signedInSession(auth);

    const { setCookies } = await driver.run(auth, {}, async (authRequest) => {
      authRequest.setSession(session);
      authRequest.setSession(null);
      authRequest.setSession(session);
    });

    expect(setCookies).toHaveLength(3);
    expect(setCookies.slice(0, 2)).toEqual(["theme=dark; Path=/", "lang=en; Path=/"]);
    expect(parseSetCookie(setCookies[2]!).value).toBe(session.token);
  });

  it("keeps a cookie the application sets after ours", async () => {
    const session = await signedInSession(auth);
    let late: string[] = [];

    const local = createServer((request, response) => {
      const authRequest = auth.handleRequest(request, response);
      authRequest.setSession(session);
      const current = response.getHeader("set-cookie") as string[];
      response.setHeader("Set-Cookie", [...current, "late=1; Path=/"]);
      authRequest.setSession(null);
      response.end();
    });
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const { port } = local.address() as AddressInfo;
    late = (await fetch(`http://127.0.0.1:${port}/`)).headers.getSetCookie();
    await new Promise((resolve) => local.close(resolve));

    expect(late).toHaveLength(2);
    expect(parseSetCookie(late[0]!).value).toBe("");
    expect(late[1]).toBe("late=1; Path=/");
  });

  it("refuses to set the cookie once the response is sent, saying why", async () => {
    const session = await signedInSession(auth);
    let failure: unknown = null;
    const local = createServer((request, response) => {
      const authRequest = auth.handleRequest(request, response);
      response.end("early");
      try {
        authRequest.setSession(session);
      } catch (error) {
        failure = error;
      }
    });
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const { port } = local.address() as AddressInfo;

    const response = await fetch(`http://127.0.0.1:${port}/`);
    await new Promise((resolve) => local.close(resolve));

    expect(response.headers.getSetCookie()).toEqual([]);
    expect(failure).toBeInstanceOf(LuciaError);
    expect((failure as LuciaError).code).toBe("AUTH_INVALID_REQUEST");
    expect((failure as LuciaError).message).toMatch(/before writing the response/);
  });

  it("builds the URL from the Host header: a POST from that origin keeps its session", async () => {
    const session = await signedInSession(auth);

    const { result } = await driver.run(
      auth,
      {
        method: "POST",
        headers: { cookie: `auth_session=${session.token}`, origin: driver.url() },
      },
      async (authRequest) => authRequest.validate(),
    );
    const spoofed = await driver.run(
      auth,
      {
        method: "POST",
        headers: {
          cookie: `auth_session=${session.token}`,
          origin: "http://127.0.0.1:1",
        },
      },
      async (authRequest) => authRequest.validate(),
    );

    expect(result?.sessionId).toBe(session.sessionId);
    expect(spoofed.result).toBeNull();
  });

  it("marks cookies Secure over TLS and not over plain HTTP when env is not set", async () => {
    const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-keyout",
        join(directory, "key.pem"),
        "-out",
        join(directory, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const session = await signedInSession(auth);
    const tls = createHttpsServer(
      {
        key: readFileSync(join(directory, "key.pem")),
        cert: readFileSync(join(directory, "cert.pem")),
      },
      (request, response) => {
        auth.handleRequest(request, response).setSession(session);
        response.end();
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    const { port } = tls.address() as AddressInfo;
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });

    const { fetch: undiciFetch } = await import("undici");
    const overTls = await undiciFetch(`https://127.0.0.1:${port}/`, { dispatcher });
    const plain = await driver.run(auth, {}, async (authRequest) =>
      authRequest.setSession(session),
    );
    await new Promise((resolve) => tls.close(resolve));
    await dispatcher.close();
    rmSync(directory, { recursive: true, force: true });

    expect(parseSetCookie(overTls.headers.getSetCookie()[0]!).attributes["secure"]).toBe(true);
    const plainCookie = parseSetCookie(withoutAppCookies(plain.setCookies)[0]!);
    expect(plainCookie.attributes["secure"]).toBeUndefined();
  });
});

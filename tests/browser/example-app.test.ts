import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.js";
import { ensureExampleAppBuilt, startSqliteApp, type AppServer } from "../support/example-app.js";

let app: AppServer;
let browser: Browser;
let origin: string;
const PASSWORD = "correct horse battery";
let counter = 0;

beforeAll(async () => {
  browser = await launchChromium();
  ensureExampleAppBuilt();
  app = await startSqliteApp();
  origin = app.url;
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const uniqueName = (): string => `user${Date.now().toString(36)}${++counter}`;

/** The text of the element with `testId`, once it shows (the page's text on failure). */
async function text(page: Page, testId: string): Promise<string> {
  const element = page.locator(`[data-testid="${testId}"]`).first();
  try {
    await element.waitFor({ timeout: 10_000 });
  } catch {
    const shown = await page.locator("body").innerText();
    throw new Error(`no [data-testid="${testId}"] at ${page.url()}; the page shows:\n${shown}`);
  }
  return (await element.textContent()) ?? "";
}

async function fillAndSubmit(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields))
    await page.fill(`main [name="${name}"]`, value);
  await page.click("main form button[type=submit]");
}

async function signUp(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${origin}/sign-up/`);
  await fillAndSubmit(page, { username, password });
}

async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${origin}/sign-in/`);
  await fillAndSubmit(page, { username, password });
}

const atProfile = (page: Page) => page.waitForURL(`${origin}/profile/`);
const atSignIn = (page: Page) => page.waitForURL((url) => url.pathname === "/sign-in/");

for (const javaScriptEnabled of [false, true]) {
  describe(`example app with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    const contexts: BrowserContext[] = [];
    async function newPage(): Promise<Page> {
      const context = await browser.newContext({ javaScriptEnabled });
      contexts.push(context);
      return context.newPage();
    }
    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close()));
    });

    it("sign up, reload, sign out, and sign in again returns you to the page you asked for", async () => {
      const page = await newPage();
      const username = uniqueName();

      await signUp(page, username);
      await atProfile(page);
      expect(await text(page, "profile-username")).toContain(username);
      await page.reload();
      expect(await text(page, "profile-username")).toContain(username);

      await page.click("nav button[type=submit]");
      await atSignIn(page);
      expect(await text(page, "signed-out")).toContain("signed out");
      await page.goto(`${origin}/profile/`);
      await atSignIn(page);
      expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/profile/");

      await fillAndSubmit(page, { username, password: PASSWORD });
      await atProfile(page);
      expect(await text(page, "profile-username")).toContain(username);
    });

    it("editing the profile saves the new display name", async () => {
      const page = await newPage();
      await signUp(page, uniqueName());
      await atProfile(page);

      await page.fill("main [name=displayName]", "Ada Lovelace");
      await page.click("main form button[type=submit]");
      await text(page, "profile-saved");
      await page.reload();

      expect(await text(page, "profile-display-name")).toContain("Ada Lovelace");
    });

    it("shows what to fix: wrong password, taken username, too-short password", async () => {
      const page = await newPage();
      const username = uniqueName();
      await signUp(page, username);
      await atProfile(page);
      await page.click("nav button[type=submit]");
      await atSignIn(page);

      await signIn(page, username, "not the password");
      expect(await text(page, "form-error")).toMatch(/wrong username or password/i);

      await signUp(page, username);
      expect(await text(page, "username-error")).toMatch(/taken/i);

      const fresh = uniqueName();
      await signUp(page, fresh, "short");
      expect(await text(page, "password-error")).toMatch(/at least 8 characters/i);
      // The username survives the error, so only the password needs typing again.
      expect(await page.inputValue("main [name=username]")).toBe(fresh);
    });

    it("revoking another browser's session signs that browser out on its next request", async () => {
      const first = await newPage();
      const second = await newPage();
      const username = uniqueName();
      await signUp(first, username);
      await atProfile(first);
      await signIn(second, username);
      await atProfile(second);

      await first.goto(`${origin}/sessions/`);
      expect(await first.locator('[data-testid="session-row"]').count()).toBe(2);
      await first.click('[data-testid="session-row"][data-current="false"] button');
      await text(first, "sessions-message");
      expect(await first.locator('[data-testid="session-row"]').count()).toBe(1);

      await second.goto(`${origin}/profile/`);
      await atSignIn(second);
      await first.goto(`${origin}/profile/`);
      expect(first.url()).toBe(`${origin}/profile/`);
    });

    it("signing out everywhere else keeps this browser signed in", async () => {
      const first = await newPage();
      const second = await newPage();
      const username = uniqueName();
      await signUp(first, username);
      await atProfile(first);
      await signIn(second, username);
      await atProfile(second);

      await first.goto(`${origin}/sessions/`);
      await first.click("main > form button[type=submit]");
      await text(first, "sessions-message");

      await second.goto(`${origin}/profile/`);
      await atSignIn(second);
      await first.goto(`${origin}/profile/`);
      expect(first.url()).toBe(`${origin}/profile/`);
    });

    it("GET /api/me answers with the cookie, with a Bearer token, and 401 without", async () => {
      const page = await newPage();
      const username = uniqueName();
      await signUp(page, username);
      await atProfile(page);
      const anonymous = await newPage();

      const withCookie = await page.request.get(`${origin}/api/me`);
      const token = await anonymous.request.post(`${origin}/api/token`, {
        data: { username, password: PASSWORD },
      });
      const { token: bearer } = (await token.json()) as { token: string };
      const withBearer = await anonymous.request.get(`${origin}/api/me`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      const without = await anonymous.request.get(`${origin}/api/me`);

      expect(withCookie.status()).toBe(200);
      expect((await withCookie.json()).user.username).toBe(username);
      expect(withBearer.status()).toBe(200);
      expect((await withBearer.json()).user.username).toBe(username);
      expect(without.status()).toBe(401);
      expect((await without.json()).message).toMatch(/sign in/i);
    });

    it("refuses a form posted from a page on another origin, and changes nothing", async () => {
      const page = await newPage();
      await signUp(page, uniqueName());
      await atProfile(page);
      const before = await text(page, "profile-display-name");
      const action = await page.locator("main form").first().getAttribute("action");
      const attacker = await serve(
        `<form method="post" action="${origin}/profile/${action}">` +
          `<input name="displayName" value="hacked"><button id="go">Win a prize</button></form>`,
      );

      await page.goto(attacker.url);
      const [response] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url().startsWith(origin)),
        page.click("#go"),
      ]);
      await attacker.close();
      await page.goto(`${origin}/profile/`);

      expect(response.status()).toBe(403);
      expect(await text(page, "profile-display-name")).toBe(before);
    });
  });
}

describe("the example app's client build", () => {
  it("contains no server code (database driver, node: modules, password hashing)", () => {
    const dist = fileURLToPath(new URL("../../example-app/dist", import.meta.url));
    const files = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((file) =>
      /\.(m?js|json)$/.test(file),
    );
    const serverCode = /better-sqlite3|["'`]node:[a-z]|scrypt|createHash|randomBytes/;

    const offending = files.filter((file) =>
      serverCode.test(readFileSync(join(dist, file), "utf8")),
    );

    expect(files.some((file) => file.startsWith("build"))).toBe(true);
    expect(offending).toEqual([]);
  });
});

/** Serves one HTML page from a second origin (another port on the loopback interface). */
async function serve(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

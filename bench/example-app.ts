/**
 * The built example app for the HTTP benchmark: rebuilt when its sources changed, started on a
 * free 127.0.0.1 port with a database of its own, and a signed-in user made through the API.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { lucia } from "../src/index.js";
import { sqlite } from "../src/adapters/sqlite.js";
import { openDatabase } from "./sqlite-fixture.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const serverEntry = join(root, "example-app/server/entry.node-server.js");

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const changed = entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, changed);
  }
  return newest;
}

/**
 * Runs `npm run build:app` unless the server build is newer than every source file; with
 * `reuse`, any build that has the benchmark's pages will do (for a quick smoke run).
 */
export function buildExampleApp(options: { reuse: boolean }): void {
  let built = 0;
  try {
    built = statSync(serverEntry).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (built > 0 && options.reuse && hasBenchPages()) return;
  const sources = Math.max(
    newestChange(join(root, "src")),
    newestChange(join(root, "example-app/src")),
  );
  if (built > sources) return;
  console.log("building the example app (npm run build:app)…");
  const result = spawnSync("npm", ["run", "build:app"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`npm run build:app failed:\n${result.stdout}${result.stderr}`);
}

function hasBenchPages(): boolean {
  const plan = readFileSync(join(root, "example-app/server/@qwik-city-plan.js"), "utf8");
  return plan.includes("bench/no-auth/") && plan.includes("bench/auth/");
}

export interface RunningApp {
  origin: string;
  /** `Cookie` header value of a signed-in user. */
  cookie: string;
  username: string;
  stop(): Promise<void>;
}

function waitForPort(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no start in 20 s: ${output}`)), 20_000);
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.once("exit", (code) => reject(new Error(`the app exited (${code}): ${output}`)));
  });
}

/** Starts the built app's node server; its database lives in a temporary folder. */
export async function startExampleApp(): Promise<RunningApp> {
  const folder = mkdtempSync(join(tmpdir(), "qwik-lucia-bench-app-"));
  const databasePath = join(folder, "app.db");
  const server = spawn(process.execPath, [serverEntry], {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATABASE_PATH: databasePath },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = async (): Promise<void> => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill();
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const port = await waitForPort(server);
    // The app has created and migrated its database by now; sign a user in through the API.
    const db = openDatabase(databasePath);
    const auth = lucia({ adapter: sqlite(db) });
    const username = "bench-user";
    const user = await auth.createUser({
      key: null,
      attributes: { username, display_name: "Bench User" },
    });
    const session = await auth.createSession({
      userId: user.userId,
      attributes: { created_at: Date.now() },
    });
    db.close();
    return {
      origin: `http://127.0.0.1:${port}`,
      cookie: `${auth.sessionCookieName}=${session.token}`,
      username,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const vite = join(root, "node_modules", "vite", "bin", "vite.js");
const serverEntry = join(root, "example-app", "server", "entry.node-server.js");

/** Builds the example app (client, then the node server), as `npm run build:app` does. */
export function buildExampleApp(): void {
  for (const config of [
    "example-app/vite.config.ts",
    "example-app/adapters/node-server/vite.config.ts",
  ]) {
    execFileSync(process.execPath, [vite, "build", "-c", config, "--logLevel", "error"], {
      cwd: root,
      // vitest sets NODE_ENV=test, which would build Qwik in another mode than `npm start`.
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
}

/** The newest modification time under `path` (a file or a directory), in milliseconds. */
function newestChange(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(
    stats.mtimeMs,
    ...readdirSync(path).map((entry) => newestChange(join(path, entry))),
  );
}

/**
 * Builds the example app unless the build on disk is newer than every source it comes from
 * (an earlier group of the same `npm test` built it a moment ago).
 */
export function ensureExampleAppBuilt(): void {
  const built = statSync(serverEntry, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ["src", "example-app/src", "example-app/vite.config.ts", "example-app/adapters"];
  const changed = Math.max(...sources.map((source) => newestChange(join(root, source))));
  if (built <= changed) buildExampleApp();
}

/** One running instance of the built example app. */
export interface AppServer {
  /** Where this instance listens, `http://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

// The app's own settings: a developer's shell may hold some; each test names those it wants.
const APP_SETTINGS = [
  "DATABASE_URL",
  "DATABASE_SCHEMA",
  "DATABASE_PATH",
  "REDIS_URL",
  "REDIS_PREFIX",
  "SESSION_ACTIVE_PERIOD_MS",
  "ORIGIN",
  "PROTOCOL_HEADER",
  "HOST_HEADER",
];

/** Starts the built app on a free port with `env` as its settings (none inherited). */
export async function startAppServer(env: Record<string, string>): Promise<AppServer> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !APP_SETTINGS.includes(name)),
  );
  const server: ChildProcess = spawn(process.execPath, [serverEntry], {
    cwd: root,
    env: { ...inherited, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  server.stderr!.on("data", (chunk: Buffer) => void (errors += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.once("exit", (code) => reject(new Error(`the app exited (${code}): ${errors}`)));
  });

  return {
    url,
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill();
      await exited;
    },
  };
}

/** The app on its default store: a fresh SQLite file, removed on `stop()`. */
export async function startSqliteApp(env: Record<string, string> = {}): Promise<AppServer> {
  const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-app-"));
  const server = await startAppServer({ DATABASE_PATH: join(directory, "app.db"), ...env });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

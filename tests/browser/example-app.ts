import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const vite = join(root, "node_modules", "vite", "bin", "vite.js");

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

export interface RunningApp {
  origin: string;
  stop(): Promise<void>;
}

/** Starts the built app on a free port with a fresh SQLite file. */
export async function startExampleApp(): Promise<RunningApp> {
  const directory = mkdtempSync(join(tmpdir(), "qwik-lucia-app-"));
  const server: ChildProcess = spawn(
    process.execPath,
    [join(root, "example-app", "server", "entry.node-server.js")],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_PATH: join(directory, "app.db"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let errors = "";
  server.stderr!.on("data", (chunk: Buffer) => void (errors += chunk.toString()));

  const origin = await new Promise<string>((resolve, reject) => {
    let output = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.once("exit", (code) => reject(new Error(`the app exited (${code}): ${errors}`)));
  });

  return {
    origin,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill();
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

import net from "node:net";

/** Where the tests find PostgreSQL and Redis; override with these variables. */
export const POSTGRES_URL =
  process.env["TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

const HOW_TO_START = {
  PostgreSQL:
    "start it (e.g. `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust " +
    "-e POSTGRES_DB=test postgres:16`) or set TEST_POSTGRES_URL",
  Redis: "start it (e.g. `docker run -d -p 6379:6379 redis:7`) or set TEST_REDIS_URL",
} as const;

/** A service the suite needs, and whether it answered. */
export interface Service {
  name: keyof typeof HOW_TO_START;
  available: boolean;
  /** Why the suite is skipped, for the title of a skipped test. */
  skipReason: string;
}

function canConnect(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(2_000);
    const done = (reachable: boolean): void => {
      socket.destroy();
      resolve(reachable);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/**
 * Checks that a service accepts connections. Unreachable in CI (`CI=true`): throws, so the run
 * fails. Unreachable locally: `available` is false and `skipReason` says how to start it.
 */
export async function requireService(name: Service["name"]): Promise<Service> {
  const url = name === "PostgreSQL" ? POSTGRES_URL : REDIS_URL;
  const available = await canConnect(url, name === "PostgreSQL" ? 5432 : 6379);
  const skipReason = `${name} at ${url} is unreachable: ${HOW_TO_START[name]}`;
  if (!available && process.env["CI"] === "true") {
    throw new Error(`${skipReason} (CI=true: these tests must run)`);
  }
  // The default reporter shows only a count of skipped tests: say why, once per file.
  if (!available) console.warn(`Skipping: ${skipReason}`);
  return { name, available, skipReason };
}

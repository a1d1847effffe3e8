import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ensureExampleAppBuilt } from "../support/example-app.js";

const app = fileURLToPath(new URL("../../example-app", import.meta.url));

/** The built files of `directory` (relative paths) whose text matches `pattern`. */
function filesMatching(directory: string, pattern: RegExp): string[] {
  return readdirSync(join(app, directory), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(m?js|json)$/.test(file))
    .filter((file) => pattern.test(readFileSync(join(app, directory, file), "utf8")));
}

// What picking the stores from the environment adds to the server: the drivers, the variables
// and the schema lock. None of it may reach the browser.
const STORE_CODE = /ioredis|["']pg["']|pg_advisory_xact_lock|DATABASE_URL|REDIS_URL|REDIS_PREFIX/;

describe("the example app's client build", () => {
  it("holds none of the store selection (PostgreSQL, Redis, their variables)", () => {
    ensureExampleAppBuilt();

    const inServer = filesMatching("server", STORE_CODE);
    const inClient = filesMatching("dist", STORE_CODE);

    expect(inServer).not.toEqual([]);
    expect(inClient).toEqual([]);
  });
});

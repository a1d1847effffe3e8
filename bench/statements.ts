/**
 * Benchmark 2: SQL statements per request for a Qwik City page with three loaders reading the
 * user, counted on the SQLite connection, beside Lucia v2 on the same page shape.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Section } from "./report.js";
import type { SqliteFixture } from "./sqlite-fixture.js";

const EXPECTED: Record<string, number> = {
  "signed in": 1,
  "signed in, session renewed": 2,
  "signed out": 0,
};

function describe(samples: number[]): string {
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return min === max ? String(min) : `${min}–${max}`;
}

export async function statementsBenchmark(fixture: SqliteFixture): Promise<Section> {
  const folder = fileURLToPath(new URL("./statements/", import.meta.url));
  const child = spawnSync(
    "npx",
    [
      "vite-node",
      "--config",
      `${folder}vite.config.ts`,
      // Server-side transforms throughout, as in a Qwik City server.
      "--options.transformMode.ssr=.*",
      `${folder}count.ts`,
    ],
    { env: { ...process.env, BENCH_DATABASE: fixture.file }, encoding: "utf8" },
  );
  const line = child.stdout.split("\n").find((text) => text.startsWith("STATEMENTS "));
  if (child.status !== 0 || !line) {
    throw new Error(`the Qwik City run failed:\n${child.stderr}\n${child.stdout}`);
  }
  const counts = JSON.parse(line.slice("STATEMENTS ".length)) as Record<
    string,
    Record<string, number[]>
  >;

  const rows = Object.entries(counts).map(([scenario, pages]) => [
    scenario,
    describe(pages["qwik-lucia"]!),
    describe(pages["lucia-v2"]!),
  ]);
  return {
    title: "2. SQL statements per request (Qwik City, three loaders)",
    method:
      "A Qwik City page whose three `routeLoader$`s each call " +
      "`auth.handleRequest(event).validateUser()` (Lucia v2: `.validate()`, with its `qwik()` " +
      "middleware), requested as `q-data.json` through Qwik City's `requestHandler`. Statements " +
      "are counted with better-sqlite3's `verbose` hook; each scenario is 5 requests with fresh " +
      "users and sessions, and the loaders' output is checked to hold the user.",
    headers: ["request", "qwik-lucia", "Lucia v2"],
    rows,
    targets: Object.entries(EXPECTED).map(([scenario, expected]) => {
      const samples = counts[scenario]?.["qwik-lucia"] ?? [];
      return {
        goal: `${scenario}: exactly ${expected} statement${expected === 1 ? "" : "s"}`,
        met: samples.length > 0 && samples.every((count) => count === expected),
        measured: describe(samples),
      };
    }),
    notes: [],
  };
}

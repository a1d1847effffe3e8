/**
 * `npm run bench [-- --quick]`: runs every benchmark and rewrites BENCHMARKS.md.
 * The benchmark-only dependencies (Lucia v2, the load generator) live in bench/package.json and
 * are installed on first run, so they never become dependencies of the package.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { renderReport, skippedSection, type Section } from "./report.js";

const benchFolder = fileURLToPath(new URL(".", import.meta.url));
const reportFile = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));

function installBenchDependencies(): void {
  if (existsSync(`${benchFolder}node_modules/lucia/package.json`)) return;
  console.log("installing the benchmark-only dependencies (bench/package.json)…");
  const result = spawnSync("npm", ["install", "--prefix", benchFolder, "--no-audit", "--no-fund"], {
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("npm install --prefix bench failed");
}

interface Benchmark {
  title: string;
  run: () => Promise<Section>;
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const command = quick ? "npm run bench -- --quick" : "npm run bench";
  const started = performance.now();
  installBenchDependencies();

  const { createSqliteFixture } = await import("./sqlite-fixture.js");
  const { validationBenchmark } = await import("./validation.js");
  const { statementsBenchmark } = await import("./statements.js");
  const { httpBenchmark } = await import("./http.js");
  const { passwordBenchmark } = await import("./passwords.js");
  const { storesBenchmark } = await import("./stores.js");

  console.log("creating the SQLite data…");
  const fixture = await createSqliteFixture();
  const benchmarks: Benchmark[] = [
    {
      title: "1. Session validation in process (SQLite)",
      run: () => validationBenchmark(fixture, { quick }),
    },
    {
      title: "2. SQL statements per request (Qwik City, three loaders)",
      run: () => statementsBenchmark(fixture),
    },
    {
      title: "3. HTTP: the built example app",
      run: () => httpBenchmark({ quick }),
    },
    {
      title: "4. Password hashing",
      run: () => passwordBenchmark(fixture, { quick }),
    },
    {
      title: "5. PostgreSQL and Redis",
      run: () => storesBenchmark({ quick }),
    },
  ];

  const sections: Section[] = [];
  let failed = false;
  try {
    for (const benchmark of benchmarks) {
      console.log(`${benchmark.title}…`);
      const start = performance.now();
      try {
        sections.push(await benchmark.run());
        console.log(`  done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      } catch (error) {
        failed = true;
        console.error(error);
        sections.push(skippedSection(benchmark.title, `failed: ${String(error)}`));
      }
    }
  } finally {
    fixture.close();
  }

  const seconds = (performance.now() - started) / 1000;
  // Formatted like every other file of the repository, so `npm run format` leaves it alone.
  const options = await resolveConfig(reportFile);
  const report = await format(renderReport(sections, command, seconds), {
    ...options,
    filepath: reportFile,
  });
  writeFileSync(reportFile, report);
  console.log(`BENCHMARKS.md written (${seconds.toFixed(0)} s)`);
  if (failed) process.exitCode = 1;
}

await main();

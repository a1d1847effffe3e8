import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, { types: string; import: string }>;
  qwik: string;
};

/** Imports `specifier` from a plain Node process in the package root, as a consumer would. */
function exportsOf(specifier: string): string[] {
  const script = `const m = await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify(Object.keys(m).sort()));`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(output) as string[];
}

describe("the built package", () => {
  beforeAll(() => {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "ignore" });
  }, 120_000);

  it("has a JavaScript file and a declaration file for every entry of the exports map", () => {
    for (const target of Object.values(packageJson.exports)) {
      expect(existsSync(join(root, target.import)), target.import).toBe(true);
      expect(existsSync(join(root, target.types)), target.types).toBe(true);
    }
    expect(existsSync(join(root, packageJson.qwik))).toBe(true);
  });

  it("names every built module *.qwik.mjs, so a consumer's optimizer processes it", () => {
    const output = execFileSync("find", ["lib", "-name", "*.js", "-o", "-name", "*.mjs"], {
      cwd: root,
      encoding: "utf8",
    });

    expect(output.split("\n").filter((file) => file && !file.endsWith(".qwik.mjs"))).toEqual([]);
  });

  it("serves the public API by package name in plain Node", () => {
    expect(exportsOf("qwik-lucia")).toEqual(
      expect.arrayContaining(["lucia", "LuciaError", "AuthRequest", "isDatabaseFailure"]),
    );
    expect(exportsOf("qwik-lucia/middleware")).toEqual([
      "astro",
      "express",
      "lucia",
      "node",
      "qwik",
      "sveltekit",
      "web",
    ]);
    expect(exportsOf("qwik-lucia/adapters/sqlite")).toEqual(
      expect.arrayContaining(["sqlite", "sqliteSchema"]),
    );
    expect(exportsOf("qwik-lucia/adapters/postgres")).toEqual(
      expect.arrayContaining(["postgres", "postgresSchema"]),
    );
    expect(exportsOf("qwik-lucia/adapters/redis")).toEqual(expect.arrayContaining(["redis"]));
  });

  it("keeps drivers and Qwik out of the bundle: they stay imports of the app", () => {
    const qwikHelpers = readFileSync(join(root, "lib/qwik.qwik.mjs"), "utf8");
    const sqliteAdapter = readFileSync(join(root, "lib/adapters/sqlite.qwik.mjs"), "utf8");

    expect(qwikHelpers).toMatch(/from "@builder\.io\/qwik-city"/);
    expect(qwikHelpers).not.toMatch(/function routeActionQrl\b/);
    expect(sqliteAdapter).not.toMatch(/better-sqlite3/);
  });
});

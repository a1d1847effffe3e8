import { qwikCity } from "@builder.io/qwik-city/vite";
import { qwikVite } from "@builder.io/qwik/optimizer";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const source = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

const isBare = (id: string): boolean =>
  !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0");

/**
 * Leaves every package import (`@builder.io/qwik-city`, drivers) to the consuming app. It runs
 * before qwikVite, which would otherwise resolve Qwik City to its file and bundle it.
 */
const keepPackagesExternal = (): Plugin => ({
  name: "qwik-lucia:keep-packages-external",
  enforce: "pre",
  resolveId: (id) => (isBare(id) ? { id, external: true } : null),
});

// `vite build --mode lib` builds the package. The optimizer of the consuming app extracts `$`
// closures only from `*.qwik.mjs` files, hence the file names.
export default defineConfig(({ mode }) => ({
  plugins: mode === "lib" ? [keepPackagesExternal(), qwikVite()] : [],
  build: {
    target: "es2022",
    outDir: "lib",
    emptyOutDir: true,
    minify: false,
    lib: {
      entry: {
        index: source("index.ts"),
        middleware: source("middleware/index.ts"),
        qwik: source("qwik/index.ts"),
        "adapters/sqlite": source("adapters/sqlite.ts"),
        "adapters/postgres": source("adapters/postgres.ts"),
        "adapters/redis": source("adapters/redis.ts"),
      },
      formats: ["es"],
      fileName: (_format, name) => `${name}.qwik.mjs`,
    },
    rollupOptions: {
      // Everything that is not our own source stays an import of the consuming app.
      external: (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0"),
      // Shared chunks too get the name the consumer's optimizer looks for.
      output: { chunkFileNames: "chunks/[name]-[hash].qwik.mjs" },
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    forbidOnly: !!process.env["CI"],
    // Plain Node tests run without Qwik's plugins; the Qwik City tests compile their routes
    // (tests/qwik/routes) with them; the browser tests build and serve the example app.
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/qwik/**", "tests/browser/**", "tests/deploy/**"],
        },
      },
      {
        extends: true,
        plugins: [
          qwikCity({ routesDir: fileURLToPath(new URL("./tests/qwik/routes", import.meta.url)) }),
          qwikVite(),
        ],
        test: { name: "qwik", include: ["tests/qwik/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          hookTimeout: 180_000,
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        // After every other project (the browser tests build the example app), never beside
        // a build: these tests run several instances of the built app.
        test: {
          name: "deploy",
          include: ["tests/deploy/**/*.test.ts"],
          sequence: { groupOrder: 1 },
          hookTimeout: 180_000,
          testTimeout: 60_000,
        },
      },
    ],
  },
}));

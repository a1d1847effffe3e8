import { qwikCity } from "@builder.io/qwik-city/vite";
import { qwikVite } from "@builder.io/qwik/optimizer";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The app imports the library by its published names; they resolve to the library's source,
// which the app's optimizer compiles like its own (the client build strips server code).
export const libraryAliases = [
  { find: /^qwik-lucia$/, replacement: here("../src/index.ts") },
  { find: /^qwik-lucia\/qwik$/, replacement: here("../src/qwik/index.ts") },
  { find: /^qwik-lucia\/middleware$/, replacement: here("../src/middleware/index.ts") },
  { find: /^qwik-lucia\/adapters\/(.*)$/, replacement: here("../src/adapters/$1.ts") },
];

export default defineConfig({
  root: here("."),
  plugins: [
    qwikCity({ routesDir: here("src/routes") }),
    qwikVite({
      srcDir: here("src"),
      client: { outDir: here("dist") },
      ssr: { outDir: here("server") },
    }),
  ],
  resolve: { alias: libraryAliases },
  // better-sqlite3 is a native module: the server loads it from node_modules.
  ssr: { external: ["better-sqlite3"] },
  server: { host: "127.0.0.1", port: Number(process.env["PORT"] ?? 5173) },
  preview: { host: "127.0.0.1" },
});

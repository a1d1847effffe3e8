import { qwikCity } from "@builder.io/qwik-city/vite";
import { qwikVite } from "@builder.io/qwik/optimizer";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The two pages of this benchmark, compiled by Qwik's own optimizer as an app's would be.
export default defineConfig({
  root: here("."),
  plugins: [
    qwikCity({ routesDir: here("routes") }),
    qwikVite({ srcDir: here("."), client: { input: here("count.ts") } }),
  ],
});

import { nodeServerAdapter } from "@builder.io/qwik-city/adapters/node-server/vite";
import { extendConfig } from "@builder.io/qwik-city/vite";
import { fileURLToPath } from "node:url";
import baseConfig from "../../vite.config.js";

// Rollup resolves `input` from the working directory, not from vite's `root`: absolute paths.
const entry = fileURLToPath(new URL("../../src/entry.node-server.tsx", import.meta.url));

export default extendConfig(baseConfig, () => ({
  build: {
    ssr: true,
    rollupOptions: { input: [entry, "@qwik-city-plan"] },
  },
  // No static generation: every page depends on the session, and it would open the database
  // at build time.
  plugins: [nodeServerAdapter({ name: "node-server", ssg: null })],
}));

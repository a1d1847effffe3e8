import type { RequestHandler } from "@builder.io/qwik-city";
import { authPlugin } from "../../../src/qwik/index.js";
import { authFor } from "../registry.js";

// Each test names its own `auth`; a request naming none runs without the plugin.
export const onRequest: RequestHandler = async (event) => {
  const auth = authFor(event.request);
  if (auth) await authPlugin(auth)(event);
};

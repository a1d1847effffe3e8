import { component$ } from "@builder.io/qwik";
import { z, zod$ } from "@builder.io/qwik-city";
import { routeAuthAction$, routeAuthLoader$ } from "../../../../src/qwik/index.js";

export const useRenamed = routeAuthAction$(
  async (data) => ({ name: data.name }),
  {},
  zod$({ name: z.string().min(3, "Use at least 3 characters.") }),
);

export const useAccount = routeAuthLoader$(
  async (_event, authRequest) => (await authRequest.validate())!.userId,
  { requireUser: true, signInPath: "/login" },
);

export default component$(() => <p>account</p>);

import { component$ } from "@builder.io/qwik";
import { z, zod$ } from "@builder.io/qwik-city";
import { routeAuthAction$ } from "../../../../src/qwik/index.js";

export const useSignIn = routeAuthAction$(
  async (data, event, authRequest) => {
    try {
      const key = await authRequest.useKey("username", data.username, data.password);
      authRequest.setSession(
        await authRequest.auth.createSession({ userId: key.userId, attributes: {} }),
      );
      return { signedIn: key.userId };
    } catch (error) {
      if ((error as { code?: string }).code !== "AUTH_INVALID_PASSWORD") throw error;
      return event.fail(401, { message: "Wrong username or password." });
    }
  },
  {},
  zod$({ username: z.string(), password: z.string() }),
);

export default component$(() => <p>sign in</p>);

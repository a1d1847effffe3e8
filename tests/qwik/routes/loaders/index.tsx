import { component$ } from "@builder.io/qwik";
import { routeLoader$, type RequestEventLoader } from "@builder.io/qwik-city";
import { routeAuthAction$, routeAuthLoader$, withAuth } from "../../../../src/qwik/index.js";

export { useAuthLoader } from "../../../../src/qwik/index.js";

export const useUserId = routeAuthLoader$(async (_event, authRequest) => {
  return (await authRequest.validateUser()).user?.userId ?? null;
});

export const useSessionId = routeAuthLoader$(async (_event, authRequest) => {
  return (await authRequest.validate())?.sessionId ?? null;
});

export const useSignedIn = routeLoader$(
  withAuth(async (_event: RequestEventLoader, authRequest) => {
    return (await authRequest.validate()) !== null;
  }),
);

export const useSignIn = routeAuthAction$(async (data, _event, authRequest) => {
  const session = await authRequest.auth.createSession({
    userId: String(data["userId"]),
    attributes: {},
  });
  authRequest.setSession(session);
  return { signedIn: true };
});

export const useSignOut = routeAuthAction$(async (_data, _event, authRequest) => {
  const session = await authRequest.validate();
  if (session) await authRequest.auth.invalidateSession(session.sessionId);
  authRequest.setSession(null);
  return { signedOut: true };
});

export const useMustBeSignedIn = routeAuthAction$(
  async (_data, _event, authRequest) => ({ userId: (await authRequest.validate())!.userId }),
  { requireUser: true },
);

export const useMustBeSignedInOrGo = routeAuthAction$(async () => ({ ran: true }), {
  requireUser: true,
  signInPath: "/login",
});

export default component$(() => <p>loaders</p>);

import { component$ } from "@builder.io/qwik";
import { routeAuthLoader$ } from "qwik-lucia/qwik";

// The HTTP benchmark's page (npm run bench): three loaders reading the user, no layout (`!`),
// so that it differs from bench/no-auth only by its auth code.
export const useUsername = routeAuthLoader$(async (_event, authRequest) => {
  return (await authRequest.validateUser()).user?.username ?? "guest";
});

export const useUserId = routeAuthLoader$(async (_event, authRequest) => {
  return (await authRequest.validateUser()).user?.userId ?? "-";
});

export const useExpiry = routeAuthLoader$(async (_event, authRequest) => {
  return (await authRequest.validateUser()).session?.idlePeriodExpiresAt.getTime() ?? 0;
});

export default component$(() => {
  const username = useUsername();
  const userId = useUserId();
  const expiry = useExpiry();
  return (
    <p>
      {username.value} ({userId.value}), until {expiry.value}
    </p>
  );
});

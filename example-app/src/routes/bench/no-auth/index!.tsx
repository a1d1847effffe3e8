import { component$ } from "@builder.io/qwik";
import { routeLoader$ } from "@builder.io/qwik-city";

// The HTTP benchmark's reference (npm run bench): bench/auth's page shape without auth code.
export const useUsername = routeLoader$(async () => {
  return "guest";
});

export const useUserId = routeLoader$(async () => {
  return "-";
});

export const useExpiry = routeLoader$(async () => {
  return 0;
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

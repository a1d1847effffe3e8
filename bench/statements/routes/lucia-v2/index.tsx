import { component$ } from "@builder.io/qwik";
import { routeLoader$ } from "@builder.io/qwik-city";
import { authV2 } from "../../databases.js";

// The same page shape with Lucia v2 and its Qwik middleware.
export const useUserName = routeLoader$(async (event) => {
  return (await authV2.handleRequest(event).validate())?.user.username ?? null;
});

export const useUserId = routeLoader$(async (event) => {
  return (await authV2.handleRequest(event).validate())?.user.userId ?? null;
});

export const useSignedIn = routeLoader$(async (event) => {
  return (await authV2.handleRequest(event).validate()) !== null;
});

export default component$(() => <p>{useUserName().value}</p>);

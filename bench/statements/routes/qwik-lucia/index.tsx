import { component$ } from "@builder.io/qwik";
import { routeLoader$ } from "@builder.io/qwik-city";
import { auth } from "../../databases.js";

// Three loaders reading the user, as three independent components of a page would.
export const useUserName = routeLoader$(async (event) => {
  return (await auth.handleRequest(event).validateUser()).user?.username ?? null;
});

export const useUserId = routeLoader$(async (event) => {
  return (await auth.handleRequest(event).validateUser()).user?.userId ?? null;
});

export const useSignedIn = routeLoader$(async (event) => {
  return (await auth.handleRequest(event).validateUser()).session !== null;
});

export default component$(() => <p>{useUserName().value}</p>);

import { component$ } from "@builder.io/qwik";
import { routeAction$ } from "@builder.io/qwik-city";

export const useSave = routeAction$(async () => ({ saved: true }));

export default component$(() => <p>guarded</p>);

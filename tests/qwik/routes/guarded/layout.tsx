import { component$, Slot } from "@builder.io/qwik";
import { protect } from "../../../../src/qwik/index.js";

export const onRequest = protect({ signInPath: "/login" });

export default component$(() => <Slot />);

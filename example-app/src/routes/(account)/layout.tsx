import { component$, Slot } from "@builder.io/qwik";
import { protect } from "qwik-lucia/qwik";

// Every page under (account)/ is for signed-in users: others go to /sign-in?redirectTo=...
export const onRequest = protect({ signInPath: "/sign-in" });

export default component$(() => <Slot />);

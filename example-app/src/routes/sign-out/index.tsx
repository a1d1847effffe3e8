import { component$ } from "@builder.io/qwik";
import { Form, type DocumentHead } from "@builder.io/qwik-city";
import { useAuthLoader } from "qwik-lucia/qwik";
import { useSignOut } from "../layout";

// Signing out is a POST (the layout's action): a link or a prefetch must never sign you out.
export default component$(() => {
  const state = useAuthLoader();
  const signOut = useSignOut();
  return (
    <>
      <h1>Sign out</h1>
      {state.value.user ? (
        <Form action={signOut}>
          <p>Signed in as {state.value.user.username}.</p>
          <button type="submit">Sign out of this browser</button>
        </Form>
      ) : (
        <p>You are not signed in.</p>
      )}
    </>
  );
});

export const head: DocumentHead = { title: "Sign out" };

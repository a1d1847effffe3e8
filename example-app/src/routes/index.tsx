import { component$ } from "@builder.io/qwik";
import { Link, type DocumentHead } from "@builder.io/qwik-city";
import { useAuthLoader } from "qwik-lucia/qwik";

export default component$(() => {
  const state = useAuthLoader();
  const user = state.value.user;
  return (
    <>
      <h1>qwik-lucia example</h1>
      {user ? (
        <p data-testid="whoami">
          Signed in as <strong>{user.username}</strong>. See your{" "}
          <Link href="/profile">profile</Link> or your <Link href="/sessions">sessions</Link>.
        </p>
      ) : (
        <p data-testid="whoami">
          You are not signed in. <Link href="/sign-in">Sign in</Link> or{" "}
          <Link href="/sign-up">create an account</Link>.
        </p>
      )}
      <p>
        API: <code>GET /api/me</code> (cookie or <code>Authorization: Bearer</code>),{" "}
        <code>POST /api/token</code> (JSON username and password).
      </p>
    </>
  );
});

export const head: DocumentHead = { title: "qwik-lucia example" };

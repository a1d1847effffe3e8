import { component$, Slot } from "@builder.io/qwik";
import { Form, Link } from "@builder.io/qwik-city";
import { routeAuthAction$, useAuthLoader } from "qwik-lucia/qwik";
import { auth } from "../lib/auth";

/** Signs out: ends this session in the store and removes the cookie. A POST, never a link. */
export const useSignOut = routeAuthAction$(async (_data, event, authRequest) => {
  const session = await authRequest.validate();
  if (session) await auth.invalidateSession(session.sessionId);
  authRequest.setSession(null);
  throw event.redirect(303, "/sign-in?signedOut=1");
});

export default component$(() => {
  const state = useAuthLoader();
  const signOut = useSignOut();
  const user = state.value.user;
  return (
    <>
      <nav>
        <Link href="/">Home</Link>
        {user ? (
          <>
            <Link href="/profile">Profile</Link>
            <Link href="/sessions">Sessions</Link>
            <Form action={signOut}>
              <span data-testid="nav-user">{user.username}</span>{" "}
              <button type="submit">Sign out</button>
            </Form>
          </>
        ) : (
          <>
            <Link href="/sign-in">Sign in</Link>
            <Link href="/sign-up">Sign up</Link>
          </>
        )}
      </nav>
      <main>
        <Slot />
      </main>
    </>
  );
});

import { component$ } from "@builder.io/qwik";
import { Form, Link, useLocation, z, zod$, type DocumentHead } from "@builder.io/qwik-city";
import { LuciaError } from "qwik-lucia";
import { routeAuthAction$, safeRedirectTo } from "qwik-lucia/qwik";
import { startSession, USERNAME_PROVIDER } from "../../lib/auth";
import { username } from "../../lib/forms";
import { FieldError } from "../../components/field-error";

export const useSignIn = routeAuthAction$(
  async (data, event, authRequest) => {
    try {
      // Throttled: repeated failures answer 429 with Retry-After (see routeAuthAction$).
      const key = await authRequest.useKey(USERNAME_PROVIDER, data.username, data.password);
      // Always a new session: one that existed before the password was checked is not reused.
      authRequest.setSession(await startSession(key.userId));
    } catch (error) {
      const refused =
        error instanceof LuciaError &&
        (error.code === "AUTH_INVALID_KEY_ID" || error.code === "AUTH_INVALID_PASSWORD");
      if (!refused) throw error;
      return event.fail(401, {
        message: "Wrong username or password. Check both and try again.",
      });
    }
    // Only a path on this site: `redirectTo` comes from the query string.
    throw event.redirect(303, safeRedirectTo(data.redirectTo, "/profile"));
  },
  {},
  zod$({
    username,
    password: z.string().min(1, "Enter your password."),
    redirectTo: z.string().optional(),
  }),
);

export default component$(() => {
  const signIn = useSignIn();
  const location = useLocation();
  const redirectTo = location.url.searchParams.get("redirectTo") ?? "";
  return (
    <>
      <h1>Sign in</h1>
      {location.url.searchParams.has("signedOut") && (
        <p class="notice" data-testid="signed-out">
          You are signed out.
        </p>
      )}
      {redirectTo && !signIn.value?.failed && (
        <p data-testid="sign-in-required">Sign in to continue.</p>
      )}
      <Form action={signIn}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          value={signIn.formData?.get("username")?.toString()}
        />
        <FieldError message={signIn.value?.fieldErrors?.username} testId="username-error" />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <FieldError message={signIn.value?.fieldErrors?.password} testId="password-error" />
        <FieldError message={signIn.value?.message} testId="form-error" />
        <button type="submit">Sign in</button>
      </Form>
      <p>
        No account yet? <Link href="/sign-up">Sign up</Link>.
      </p>
    </>
  );
});

export const head: DocumentHead = { title: "Sign in" };

import { component$ } from "@builder.io/qwik";
import { Form, Link, zod$, type DocumentHead } from "@builder.io/qwik-city";
import { LuciaError } from "qwik-lucia";
import { routeAuthAction$ } from "qwik-lucia/qwik";
import { auth, startSession, USERNAME_PROVIDER } from "../../lib/auth";
import { newPassword, username } from "../../lib/forms";
import { FieldError } from "../../components/field-error";

export const useSignUp = routeAuthAction$(
  async (data, event, authRequest) => {
    let userId: string;
    try {
      const user = await auth.createUser({
        key: {
          providerId: USERNAME_PROVIDER,
          providerUserId: data.username,
          password: data.password,
        },
        attributes: { username: data.username, display_name: data.username },
      });
      userId = user.userId;
    } catch (error) {
      if (error instanceof LuciaError && error.code === "AUTH_DUPLICATE_KEY_ID") {
        const message = "That username is taken. Choose another one, or sign in.";
        const fieldErrors: { username?: string; password?: string } = { username: message };
        return event.fail(409, { message, fieldErrors });
      }
      throw error;
    }

    authRequest.setSession(await startSession(userId));
    throw event.redirect(303, "/profile");
  },
  {},
  zod$({ username, password: newPassword }),
);

export default component$(() => {
  const signUp = useSignUp();
  return (
    <>
      <h1>Create an account</h1>
      <Form action={signUp}>
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          value={signUp.formData?.get("username")?.toString()}
        />
        <FieldError message={signUp.value?.fieldErrors?.username} testId="username-error" />
        <label for="password">Password (at least 8 characters)</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required />
        <FieldError message={signUp.value?.fieldErrors?.password} testId="password-error" />
        <FieldError message={signUp.value?.message} testId="form-error" />
        <button type="submit">Sign up</button>
      </Form>
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>.
      </p>
    </>
  );
});

export const head: DocumentHead = { title: "Sign up" };

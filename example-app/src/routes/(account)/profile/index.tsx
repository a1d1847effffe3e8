import { component$ } from "@builder.io/qwik";
import { Form, z, zod$, type DocumentHead } from "@builder.io/qwik-city";
import { routeAuthAction$, useAuthLoader } from "qwik-lucia/qwik";
import { auth } from "../../../lib/auth";

export const useUpdateProfile = routeAuthAction$(
  async (data, _event, authRequest) => {
    const { user } = await authRequest.validateUser();
    await auth.updateUserAttributes(user!.userId, { display_name: data.displayName });
    // The loaders of this request run after the action: let them see the new name.
    authRequest.invalidate();
    return { message: "Your profile is saved." };
  },
  { requireUser: true, signInPath: "/sign-in" },
  zod$({
    displayName: z
      .string()
      .trim()
      .min(1, "Enter a display name.")
      .max(64, "Use at most 64 characters for your display name."),
  }),
);

export default component$(() => {
  const state = useAuthLoader();
  const update = useUpdateProfile();
  const user = state.value.user;
  if (!user) return <p>You are not signed in.</p>;
  return (
    <>
      <h1>Profile</h1>
      <p data-testid="profile-username">
        Username: <strong>{user.username}</strong>
      </p>
      <p data-testid="profile-display-name">Display name: {user.displayName}</p>
      <Form action={update}>
        <label for="displayName">Display name</label>
        <input id="displayName" name="displayName" value={user.displayName} />
        {update.value?.failed && update.value.fieldErrors?.displayName && (
          <p class="error" data-testid="display-name-error">
            {update.value.fieldErrors.displayName}
          </p>
        )}
        {update.value?.failed && update.value.message && (
          <p class="error">{update.value.message}</p>
        )}
        {update.value && !update.value.failed && (
          <p class="notice" data-testid="profile-saved">
            {update.value.message}
          </p>
        )}
        <button type="submit">Save</button>
      </Form>
    </>
  );
});

export const head: DocumentHead = { title: "Profile" };

import { component$ } from "@builder.io/qwik";
import { Form, z, zod$, type DocumentHead } from "@builder.io/qwik-city";
import { LuciaError } from "qwik-lucia";
import { routeAuthAction$, useAuthLoader } from "qwik-lucia/qwik";
import { auth, USERNAME_PROVIDER } from "../../../lib/auth";
import { newPassword } from "../../../lib/forms";
import { FieldError } from "../../../components/field-error";

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

export const useChangePassword = routeAuthAction$(
  async (data, event, authRequest) => {
    const { user, session } = await authRequest.validateUser();
    try {
      // Throttled like a sign-in: the current password is checked again.
      await authRequest.useKey(USERNAME_PROVIDER, user!.username, data.currentPassword);
    } catch (error) {
      if (!(error instanceof LuciaError && error.code === "AUTH_INVALID_PASSWORD")) throw error;
      const message = "Your current password is wrong.";
      const fieldErrors: { currentPassword?: string; newPassword?: string } = {
        currentPassword: message,
      };
      return event.fail(400, { message, fieldErrors });
    }
    // A changed password ends every other session: a stolen one dies with the old password.
    await auth.updateKeyPassword(USERNAME_PROVIDER, user!.username, data.newPassword, {
      invalidateUserSessions: { except: session!.sessionId },
    });
    return { message: "Your password is changed. Your other sessions are signed out." };
  },
  { requireUser: true, signInPath: "/sign-in" },
  zod$({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword,
  }),
);

export default component$(() => {
  const state = useAuthLoader();
  const update = useUpdateProfile();
  const changePassword = useChangePassword();
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
        <FieldError
          message={update.value?.failed ? update.value.fieldErrors?.displayName : null}
          testId="display-name-error"
        />
        <FieldError message={update.value?.failed ? update.value.message : null} />
        {update.value && !update.value.failed && (
          <p class="notice" data-testid="profile-saved">
            {update.value.message}
          </p>
        )}
        <button type="submit">Save</button>
      </Form>

      <h2>Password</h2>
      <Form action={changePassword}>
        <label for="currentPassword">Current password</label>
        <input
          id="currentPassword"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
        <FieldError
          message={
            changePassword.value?.failed ? changePassword.value.fieldErrors?.currentPassword : null
          }
          testId="current-password-error"
        />
        <label for="newPassword">New password</label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
        />
        <FieldError
          message={
            changePassword.value?.failed ? changePassword.value.fieldErrors?.newPassword : null
          }
          testId="new-password-error"
        />
        <FieldError
          message={changePassword.value?.failed ? changePassword.value.message : null}
          testId="password-form-error"
        />
        {changePassword.value && !changePassword.value.failed && (
          <p class="notice" data-testid="password-changed">
            {changePassword.value.message}
          </p>
        )}
        <button type="submit">Change password</button>
      </Form>
    </>
  );
});

export const head: DocumentHead = { title: "Profile" };

import { component$ } from "@builder.io/qwik";
import { Form, z, zod$, type DocumentHead } from "@builder.io/qwik-city";
import { routeAuthAction$, routeAuthLoader$ } from "qwik-lucia/qwik";
import { auth } from "../../../lib/auth";

/** The user's live sessions, newest first; the token never leaves the server. */
export const useSessions = routeAuthLoader$(
  async (_event, authRequest) => {
    const { session: current } = await authRequest.validateUser();
    const sessions = await auth.getAllUserSessions(current!.userId);
    return sessions
      .map((session) => ({
        sessionId: session.sessionId,
        createdAt: session.createdAt.toISOString(),
        expiresAt: session.idlePeriodExpiresAt.toISOString(),
        current: session.sessionId === current!.sessionId,
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  },
  { requireUser: true, signInPath: "/sign-in" },
);

export const useRevokeSession = routeAuthAction$(
  async (data, event, authRequest) => {
    const { session: current } = await authRequest.validateUser();
    const owned = await auth.getAllUserSessions(current!.userId);
    if (!owned.some((session) => session.sessionId === data.sessionId)) {
      return event.fail(404, { message: "That session has already ended." });
    }
    await auth.invalidateSession(data.sessionId);
    if (data.sessionId === current!.sessionId) {
      authRequest.setSession(null);
      throw event.redirect(303, "/sign-in?signedOut=1");
    }
    return { message: "The session is revoked: that browser is signed out." };
  },
  { requireUser: true, signInPath: "/sign-in" },
  zod$({ sessionId: z.string().min(1) }),
);

export const useSignOutOthers = routeAuthAction$(
  async (_data, _event, authRequest) => {
    const { session: current } = await authRequest.validateUser();
    const sessions = await auth.getAllUserSessions(current!.userId);
    const others = sessions.filter((session) => session.sessionId !== current!.sessionId);
    await Promise.all(others.map((session) => auth.invalidateSession(session.sessionId)));
    return { message: `Signed out everywhere else (${others.length} other sessions).` };
  },
  { requireUser: true, signInPath: "/sign-in" },
);

const formatTime = (iso: string): string => iso.replace("T", " ").slice(0, 19) + " UTC";

export default component$(() => {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const signOutOthers = useSignOutOthers();
  return (
    <>
      <h1>Your sessions</h1>
      {revoke.value?.message && (
        <p class={revoke.value.failed ? "error" : "notice"} data-testid="sessions-message">
          {revoke.value.message}
        </p>
      )}
      {signOutOthers.value?.message && (
        <p class="notice" data-testid="sessions-message">
          {signOutOthers.value.message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Started</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.value.map((session) => (
            <tr
              key={session.sessionId}
              data-testid="session-row"
              data-current={session.current ? "true" : "false"}
            >
              <td>{formatTime(session.createdAt)}</td>
              <td>{formatTime(session.expiresAt)}</td>
              <td>
                {session.current && <strong>This browser </strong>}
                <Form action={revoke}>
                  <input type="hidden" name="sessionId" value={session.sessionId} />
                  <button type="submit">{session.current ? "Sign out" : "Revoke"}</button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form action={signOutOthers}>
        <button type="submit">Sign out everywhere else</button>
      </Form>
    </>
  );
});

export const head: DocumentHead = { title: "Sessions" };

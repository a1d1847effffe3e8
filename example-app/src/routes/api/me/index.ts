import type { RequestHandler } from "@builder.io/qwik-city";
import { requireUser } from "qwik-lucia/qwik";

/** Who am I: the session cookie or `Authorization: Bearer <token>`; a JSON 401 otherwise. */
export const onGet: RequestHandler = async (event) => {
  const { user, session } = await requireUser(event);
  event.json(200, {
    user: { userId: user.userId, username: user["username"], displayName: user["displayName"] },
    session: { sessionId: session.sessionId, expiresAt: session.idlePeriodExpiresAt },
  });
};

import type { RequestHandler } from "@builder.io/qwik-city";
import { requireUser } from "../../../../../src/qwik/index.js";

export const onGet: RequestHandler = async (event) => {
  const { user, session } = await requireUser(event);
  event.json(200, { userId: user.userId, sessionId: session.sessionId });
};

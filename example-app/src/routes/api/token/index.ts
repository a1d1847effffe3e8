import type { RequestHandler } from "@builder.io/qwik-city";
import { LuciaError } from "qwik-lucia";
import { auth, startSession, USERNAME_PROVIDER } from "../../../lib/auth";

/**
 * A Bearer token for scripts: POST JSON `{ "username": ..., "password": ... }`. The token is a
 * session of its own (listed on the sessions page, revocable there); no cookie is set.
 */
export const onPost: RequestHandler = async (event) => {
  const body = await event.parseBody().catch(() => null);
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const username = typeof fields["username"] === "string" ? fields["username"].trim() : "";
  const password = typeof fields["password"] === "string" ? fields["password"] : "";
  event.headers.set("Cache-Control", "no-store");
  if (!username || !password) {
    throw event.json(400, {
      error: "invalid_request",
      message: 'Send JSON {"username": "...", "password": "..."}.',
    });
  }

  try {
    const key = await auth.useKey(USERNAME_PROVIDER, username.toLowerCase(), password);
    const session = await startSession(key.userId);
    event.json(200, {
      token: session.token,
      tokenType: "Bearer",
      expiresAt: session.idlePeriodExpiresAt,
    });
  } catch (error) {
    const refused =
      error instanceof LuciaError &&
      (error.code === "AUTH_INVALID_KEY_ID" || error.code === "AUTH_INVALID_PASSWORD");
    if (!refused) throw error;
    throw event.json(401, { error: "invalid_credentials", message: "Wrong username or password." });
  }
};

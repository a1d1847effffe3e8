import type { RequestHandler } from "@builder.io/qwik-city";
import { isDatabaseFailure, LuciaError } from "qwik-lucia";
import { getAuthRequest, tooManyAttemptsMessage } from "qwik-lucia/qwik";
import { startSession, USERNAME_PROVIDER } from "../../../lib/auth";

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
    const authRequest = getAuthRequest(event);
    const key = await authRequest.useKey(USERNAME_PROVIDER, username.toLowerCase(), password);
    const session = await startSession(key.userId);
    event.json(200, {
      token: session.token,
      tokenType: "Bearer",
      expiresAt: session.idlePeriodExpiresAt,
    });
  } catch (error) {
    if (error instanceof LuciaError && error.code === "AUTH_TOO_MANY_REQUESTS") {
      const seconds = error.retryAfterSeconds ?? 60;
      event.headers.set("Retry-After", String(seconds));
      throw event.json(429, {
        error: "too_many_requests",
        message: tooManyAttemptsMessage(seconds),
      });
    }
    if (isDatabaseFailure(error)) {
      event.headers.set("Retry-After", "5");
      throw event.json(503, { error: "database_unavailable", message: "Try again shortly." });
    }
    const refused =
      error instanceof LuciaError &&
      (error.code === "AUTH_INVALID_KEY_ID" || error.code === "AUTH_INVALID_PASSWORD");
    if (!refused) throw error;
    throw event.json(401, { error: "invalid_credentials", message: "Wrong username or password." });
  }
};

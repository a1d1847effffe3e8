import type { RequestHandler } from "@builder.io/qwik-city";
import { pendingWork } from "../../registry.js";

/** Runs the work a test registered, inside a real Qwik City request, then answers 204. */
export const onRequest: RequestHandler = async (event) => {
  const work = pendingWork.get(event.request.headers.get("x-test-work") ?? "");
  if (!work) throw event.error(404, "no work registered");
  await work(event);
  event.send(204, "");
};

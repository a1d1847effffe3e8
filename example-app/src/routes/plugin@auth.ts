import { authPlugin } from "qwik-lucia/qwik";
import { auth } from "../lib/auth";

// One AuthRequest per request, validated before the page streams (renewal cookies included).
export const onRequest = authPlugin(auth);

// The ready loader: `{ user, session }` for every page.
export { useAuthLoader } from "qwik-lucia/qwik";

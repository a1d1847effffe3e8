import type { RequestEventBase } from "@builder.io/qwik-city";

// Qwik City marks a `q-data.json` request (the data of a client-side navigation or of a form
// submitted with JavaScript) in the shared map; `event.url` is then the page's URL.
const QDATA_MARK = "@isQData";

/** True for the JSON data requests of Qwik's client-side navigations and actions. */
export function isDataRequest(event: Pick<RequestEventBase, "sharedMap">): boolean {
  return event.sharedMap.has(QDATA_MARK);
}

/** True when a person's browser asked for a page (it can follow a redirect to sign in). */
export function wantsPage(event: RequestEventBase): boolean {
  if (isDataRequest(event)) return true;
  const accept = event.request.headers.get("accept") ?? "";
  return accept.includes("text/html");
}

/** The path to come back to after signing in: this page, without Qwik's action parameters. */
export function returnPath(event: Pick<RequestEventBase, "url">): string {
  const url = new URL(event.url.href);
  url.searchParams.delete("qaction");
  url.searchParams.delete("qfunc");
  url.searchParams.delete("qdata");
  return `${url.pathname}${url.search}`;
}

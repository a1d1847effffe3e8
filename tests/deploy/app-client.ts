/**
 * What a browser with JavaScript off does, over real HTTP: it keeps the session cookie, follows
 * no redirects, and posts forms with their content type and the page's `Origin`.
 */
export class CookieClient {
  #cookies = new Map<string, string>();

  /** `origin` is the public origin every instance serves (their `ORIGIN`), sent on POSTs. */
  constructor(private readonly origin: string) {}

  /** The value of the session cookie, or undefined once it has been removed. */
  get session(): string | undefined {
    return this.#cookies.get("auth_session");
  }

  /** Uses another client's session cookie (the same browser, reaching another instance). */
  set session(token: string | undefined) {
    if (token === undefined) this.#cookies.delete("auth_session");
    else this.#cookies.set("auth_session", token);
  }

  async get(server: string, path: string): Promise<Response> {
    return this.#send(server, path, { method: "GET" });
  }

  /** Posts `fields` as a form (`application/x-www-form-urlencoded`) to `path`. */
  async post(server: string, path: string, fields: Record<string, string>): Promise<Response> {
    return this.#send(server, path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.origin },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async #send(server: string, path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("accept", "text/html,application/json");
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(new URL(path, server), { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.#store(line);
    return response;
  }

  #store(line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const separator = pair.indexOf("=");
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    const removed =
      value === "" ||
      attributes.some((attribute) => /^max-age=(0|-\d+)$/i.test(attribute)) ||
      attributes.some(
        (attribute) => /^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) <= Date.now(),
      );
    if (removed) this.#cookies.delete(name);
    else this.#cookies.set(name, value);
  }
}

/** The `?qaction=` address of the first form on `html` whose body contains `marker`. */
export function formAction(html: string, marker = ""): string {
  for (const match of html.matchAll(
    /<form\b[^>]*\baction="([^"]*qaction=[^"]*)"[^>]*>(.*?)<\/form>/gs,
  )) {
    if (match[2]!.includes(marker)) return match[1]!.replaceAll("&amp;", "&");
  }
  throw new Error(`no form with ${JSON.stringify(marker)} in the page:\n${html.slice(0, 2000)}`);
}

/** The password of the users the flows create. */
export const PASSWORD = "correct horse battery";

/** The app's `/api/me` answer for a signed-in request. */
export interface Me {
  user: { userId: string; username: string };
  session: { sessionId: string; expiresAt: string };
}

export function me(client: CookieClient, server: string): Promise<Response> {
  return client.get(server, "/api/me");
}

/** Submits the form of `page` (the first one, or the one containing `marker`). */
export async function submitForm(
  client: CookieClient,
  server: string,
  page: string,
  fields: Record<string, string>,
  marker = "",
): Promise<Response> {
  const action = formAction(await (await client.get(server, page)).text(), marker);
  return client.post(server, `${page}${action}`, fields);
}

/** Creates an account (the client is then signed in as it). */
export async function signUp(
  client: CookieClient,
  server: string,
  username: string,
): Promise<Response> {
  const fields = { username, password: PASSWORD };
  return submitForm(client, server, "/sign-up/", fields, 'name="password"');
}

/** Signs in through the sign-in form; 303 on success. */
export async function signIn(
  client: CookieClient,
  server: string,
  username: string,
  password = PASSWORD,
): Promise<Response> {
  const fields = { username, password, redirectTo: "" };
  return submitForm(client, server, "/sign-in/", fields, 'name="password"');
}

import { _deserializeData, _serializeData, _verifySerializable } from "@builder.io/qwik";
import {
  requestHandler,
  type ServerRequestEvent,
} from "@builder.io/qwik-city/middleware/request-handler";
// The route table of tests/qwik/routes, made by the qwikCity() plugin.
import qwikCityPlan from "@qwik-city-plan";

/** The origin the test requests are addressed to. */
export const ORIGIN = "http://app.test";

export interface QwikResponse {
  status: number;
  headers: Headers;
  setCookies: string[];
  body: string;
  /** The parsed body: JSON, or the deserialized `q-data.json` payload. */
  data: any;
  /** What a handler threw, when the request ended with an error. */
  error: unknown;
}

// Page renders are never needed: the tests request q-data.json, endpoints and guarded pages.
const render = async (): Promise<never> => {
  throw new Error("no page rendering in these tests");
};

/** Sends one request through Qwik City's own `requestHandler` with tests/qwik/routes. */
export async function send(
  path: string,
  init: RequestInit = {},
  options: { checkOrigin?: boolean } = {},
): Promise<QwikResponse> {
  const url = new URL(path, ORIGIN);
  const request = new Request(url, init);
  let result: Omit<QwikResponse, "body" | "data" | "error"> | null = null;
  const chunks: Uint8Array[] = [];

  const serverRequestEvent: ServerRequestEvent<void> = {
    mode: "server",
    url,
    locale: undefined,
    platform: {},
    request,
    env: { get: (key: string) => process.env[key] },
    getClientConn: () => ({ ip: "127.0.0.1" }),
    getWritableStream: (status, headers, cookies, resolve) => {
      result = { status, headers, setCookies: cookies.headers() };
      return new WritableStream<Uint8Array>({
        write: (chunk) => void chunks.push(chunk),
        close: () => resolve(),
      });
    },
  };
  const run = await requestHandler(
    serverRequestEvent,
    { render: render as never, qwikCityPlan, checkOrigin: options.checkOrigin ?? true },
    { _deserializeData, _serializeData, _verifySerializable },
  );
  if (!run) throw new Error(`no route for ${path}`);
  const error = await run.completion;
  if (!result) throw new Error(`no response for ${path}`);

  const body = Buffer.concat(chunks).toString("utf8");
  const settled = result as Omit<QwikResponse, "body" | "data" | "error">;
  const type = settled.headers.get("content-type") ?? "";
  let data: unknown = undefined;
  if (path.includes("q-data.json") && type.includes("json")) data = _deserializeData(body);
  else if (type.includes("json") && body) data = JSON.parse(body);
  return { ...settled, body, data, error };
}

/** A `q-data.json` POST that runs the action `actionId` with form fields. */
export function submit(
  path: string,
  actionId: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<QwikResponse> {
  const target = `${path.replace(/\/?$/, "/")}q-data.json?qaction=${actionId}`;
  return send(target, {
    method: "POST",
    headers: { origin: ORIGIN, ...headers },
    body: new URLSearchParams(fields),
  });
}

/** The `id` Qwik City gave a `routeLoader$` / `routeAction$`. */
export function idOf(handler: unknown): string {
  return (handler as { __id: string }).__id;
}

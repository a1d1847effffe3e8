import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthRequest } from "../../src/core/request.js";
import type { Driver, Outcome, TestRequest } from "./request-suite.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Runs the suite through a real server on 127.0.0.1: `listen` starts it with a dispatcher
 * that runs the current test's handler inside the request, and `fetch` drives it.
 */
export function httpDriver(
  middleware: Driver["middleware"],
  listen: (dispatch: Handler) => Server,
  before?: (response: ServerResponse) => void,
): Driver & { server: () => Server; url: () => string } {
  let server: Server | null = null;
  let current: Handler | null = null;
  const url = (): string => {
    const { port } = server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  };
  return {
    middleware,
    origin: url,
    server: () => server!,
    url,
    start: () =>
      new Promise((resolve) => {
        server = listen(async (request, response) => {
          try {
            await current!(request, response);
          } catch (error) {
            response.statusCode = 500;
            response.end(String(error));
          }
        });
        server.listen(0, "127.0.0.1", () => resolve());
      }),
    stop: () => new Promise((resolve) => server!.close(() => resolve())),
    async run<T>(
      auth: { handleRequest: (...args: any[]) => AuthRequest },
      request: TestRequest,
      handle: (authRequest: AuthRequest) => Promise<T>,
    ): Promise<Outcome<T>> {
      let outcome: { value: T } | { error: unknown } | null = null;
      current = async (incoming, response) => {
        before?.(response);
        try {
          outcome = { value: await handle(auth.handleRequest(incoming, response)) };
        } catch (error) {
          outcome = { error };
        }
        response.end("done");
      };
      const response = await fetch(`${url()}/account`, {
        method: request.method ?? "GET",
        headers: request.headers ?? {},
      });
      await response.text();
      const settled = outcome as { value: T } | { error: unknown } | null;
      if (!settled) throw new Error(`the handler did not run (status ${response.status})`);
      if ("error" in settled) throw settled.error;
      return { result: settled.value, setCookies: response.headers.getSetCookie() };
    },
  };
}

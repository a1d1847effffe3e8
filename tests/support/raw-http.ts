import { connect } from "node:net";

/**
 * Sends a request as raw bytes (no client-side validation of headers) and resolves the status
 * code of the answer, or 0 when the server closed without one.
 */
export function rawRequest(
  port: number,
  head: string,
  body: Buffer = Buffer.alloc(0),
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
    socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]));
  });
}

import net from "node:net";

/** A TCP proxy in front of a service, that can be taken down and brought back on one port. */
export interface TcpProxy {
  port: number;
  /** Closes the listener and every connection through it: the service looks gone. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** Starts a proxy to `host:port` on a free local port. */
export async function tcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const upstream = net.connect(port, host);
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on("error", () => {});
      end.on("close", () => sockets.delete(end));
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const listeningPort = (server.address() as net.AddressInfo).port;
  return {
    port: listeningPort,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    start: () => new Promise<void>((resolve) => server.listen(listeningPort, "127.0.0.1", resolve)),
  };
}

/** A proxy to the service at `url` (`redis://host:port`, `postgres://host:port/...`). */
export function proxyTo(url: string, defaultPort: number): Promise<TcpProxy> {
  const { hostname, port } = new URL(url);
  return tcpProxy(hostname, Number(port || defaultPort));
}

import { createQwikCity } from "@builder.io/qwik-city/middleware/node";
import qwikCityPlan from "@qwik-city-plan";
import { createServer } from "node:http";
import render from "./entry.ssr";

const port = Number(process.env["PORT"] ?? 3000);
const host = process.env["HOST"] ?? "127.0.0.1";

const { router, notFound, staticFile } = createQwikCity({
  render,
  qwikCityPlan,
  static: { cacheControl: "public, max-age=31536000, immutable" },
});

const server = createServer((request, response) => {
  staticFile(request, response, () => {
    router(request, response, () => {
      notFound(request, response, () => {});
    });
  });
});

server.listen(port, host, () => {
  // The real port: with PORT=0 the system picks a free one (the browser tests do).
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  process.stdout.write(`example app listening on http://${host}:${actual}\n`);
});

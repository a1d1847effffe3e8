/**
 * Run by statements.ts in its own vite-node process (Qwik's optimizer compiles the routes):
 * sends real requests through Qwik City's `requestHandler` and prints the statement counts.
 */
import { _deserializeData, _serializeData, _verifySerializable } from "@builder.io/qwik";
import { requestHandler } from "@builder.io/qwik-city/middleware/request-handler";
import qwikCityPlan from "@qwik-city-plan";
import { auth, authV2, db, statementCount } from "./databases.js";

const ORIGIN = "http://localhost";
const SAMPLES = 5;

type Scenario = "signed in" | "signed in, session renewed" | "signed out";

/** Runs the page's three loaders (its `q-data.json`) and returns the response body. */
async function requestPage(page: string, cookie: string | null): Promise<string> {
  const url = new URL(`/${page}/q-data.json`, ORIGIN);
  const chunks: Uint8Array[] = [];
  let status = 0;
  const run = await requestHandler(
    {
      mode: "server",
      url,
      locale: undefined,
      platform: {},
      request: new Request(url, { headers: cookie ? { cookie } : {} }),
      env: { get: () => undefined },
      getClientConn: () => ({ ip: "127.0.0.1" }),
      getWritableStream: (responseStatus, _headers, _cookies, resolve) => {
        status = responseStatus;
        return new WritableStream<Uint8Array>({
          write: (chunk) => void chunks.push(chunk),
          close: () => resolve(undefined),
        });
      },
    },
    { render: (() => Promise.reject(new Error("no rendering"))) as never, qwikCityPlan },
    { _deserializeData, _serializeData, _verifySerializable },
  );
  if (!run) throw new Error(`no route for ${url.pathname}`);
  const error = await run.completion;
  if (error || status !== 200) throw new Error(`${url.pathname} answered ${status}: ${error}`);
  return Buffer.concat(chunks).toString("utf8");
}

/** Statements run by one request, after checking the loaders saw whom they should. */
async function countStatements(page: string, cookie: string | null, username: string | null) {
  const before = statementCount();
  const body = await requestPage(page, cookie);
  const count = statementCount() - before;
  const seen = JSON.stringify(_deserializeData(body));
  if (username !== null && !seen.includes(username)) {
    throw new Error(`${page}: the loaders did not see ${username}: ${seen}`);
  }
  return count;
}

const makeIdle = db.prepare(`UPDATE user_session SET active_expires = ? WHERE id = ?`);

async function sample(page: string, scenario: Scenario, index: number): Promise<number> {
  const userId = `statements-${page}-${scenario.replaceAll(" ", "-")}-${index}`;
  const username = `name-of-${userId}`;
  db.prepare(`INSERT INTO "user" (id, username) VALUES (?, ?)`).run(userId, username);
  if (scenario === "signed out") return countStatements(page, null, null);

  let cookie: string;
  let sessionId: string;
  if (page === "qwik-lucia") {
    const session = await auth.createSession({ userId, attributes: {} });
    cookie = `${auth.sessionCookieName}=${session.token}`;
    sessionId = session.sessionId;
  } else {
    const session = await authV2.createSession({ userId, attributes: {} });
    cookie = `auth_session=${session.sessionId}`;
    sessionId = session.sessionId;
  }
  if (scenario === "signed in, session renewed") makeIdle.run(Date.now() - 1000, sessionId);
  return countStatements(page, cookie, username);
}

const scenarios: Scenario[] = ["signed in", "signed in, session renewed", "signed out"];
const counts: Record<string, Record<string, number[]>> = {};
for (const scenario of scenarios) {
  counts[scenario] = {};
  for (const page of ["qwik-lucia", "lucia-v2"]) {
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) samples.push(await sample(page, scenario, i));
    counts[scenario]![page] = samples;
  }
}
db.close();
console.log(`STATEMENTS ${JSON.stringify(counts)}`);

/**
 * Benchmark 4: password hashing with the default scrypt, and the event loop's longest stall
 * while 8 sign-ins (`auth.useKey`) hash at once, beside Lucia v2's pure-JS scrypt.
 */
import { generateLuciaPasswordHash } from "lucia/utils";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { generateScryptHash } from "../src/core/password.js";
import { luciaV2 } from "./lucia-v2.js";
import type { Section } from "./report.js";
import { qwikLuciaOn, type SqliteFixture } from "./sqlite-fixture.js";
import { alternate, formatMs, formatRatio, ratios, spread, type Contender } from "./stats.js";

const TARGET_MS = 10;
const SIGN_INS = 8;
const PASSWORD = "correct horse battery staple";
const PROVIDER = "bench-password";

interface Hashing {
  msPerHash: number;
  /** The event loop's longest delay (ms) while `SIGN_INS` sign-ins ran at once. */
  maxLoopDelayMs: number;
  /** How long the concurrent sign-ins took together. */
  signInsMs: number;
}

async function measure(
  hash: (password: string) => Promise<string>,
  useKey: (providerUserId: string) => Promise<unknown>,
  prefix: string,
  hashes: number,
): Promise<Hashing> {
  const hashStart = performance.now();
  for (let i = 0; i < hashes; i++) await hash(PASSWORD);
  const msPerHash = (performance.now() - hashStart) / hashes;

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const signInStart = performance.now();
  await Promise.all(Array.from({ length: SIGN_INS }, (_, i) => useKey(`${prefix}${i}`)));
  const signInsMs = performance.now() - signInStart;
  delay.disable();
  return { msPerHash, maxLoopDelayMs: delay.max / 1e6, signInsMs };
}

const maxLoopDelay = (hashing: Hashing): number => hashing.maxLoopDelayMs;

/** The loop's own noise floor: its longest delay over `ms` with nothing to do. */
async function idleLoop(ms: number): Promise<Hashing> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  delay.disable();
  return { msPerHash: Number.NaN, maxLoopDelayMs: delay.max / 1e6, signInsMs: ms };
}

export async function passwordBenchmark(
  fixture: SqliteFixture,
  options: { quick: boolean },
): Promise<Section> {
  const hashes = options.quick ? 1 : 4;
  const rounds = 5;
  const idleMs = options.quick ? 500 : 1000;
  const auth = qwikLuciaOn(fixture.db);
  const v2 = luciaV2(fixture.db);
  // Each library's keys, created through its own API, for 8 existing users.
  for (let i = 0; i < SIGN_INS; i++) {
    const userId = fixture.userIds[i]!;
    await auth.createKey({
      userId,
      providerId: PROVIDER,
      providerUserId: `ours${i}`,
      password: PASSWORD,
    });
    if (options.quick) continue;
    await v2.createKey({
      userId,
      providerId: PROVIDER,
      providerUserId: `v2-${i}`,
      password: PASSWORD,
    });
  }

  const OURS = "qwik-lucia (node:crypto scrypt, async)";
  const V2 = "Lucia v2 (pure-JS scrypt)";
  const IDLE = `idle event loop for ${idleMs} ms (this machine's noise floor)`;
  const contenders: Contender<Hashing>[] = [
    {
      name: OURS,
      round: () =>
        measure(generateScryptHash, (id) => auth.useKey(PROVIDER, id, PASSWORD), "ours", hashes),
    },
    { name: IDLE, round: () => idleLoop(idleMs) },
  ];
  // Lucia v2 blocks the loop for seconds per round: the quick smoke run leaves it out.
  if (!options.quick) {
    contenders.push({
      name: V2,
      round: () =>
        measure(
          generateLuciaPasswordHash,
          (id) => v2.useKey(PROVIDER, id, PASSWORD),
          "v2-",
          hashes,
        ),
    });
  }
  const results = await alternate(contenders, rounds);

  const column = (name: string, pick: (hashing: Hashing) => number): string => {
    if (name === IDLE && pick !== maxLoopDelay) return "–";
    const { median, min, max } = spread(results.get(name)!.map(pick));
    const figure = `${formatMs(median)} (${formatMs(min)}–${formatMs(max)})`;
    if (name !== OURS || !results.has(V2)) return figure;
    const ratio = spread(ratios(results.get(name)!.map(pick), results.get(V2)!.map(pick)));
    return `${figure}; ${formatRatio(ratio)}`;
  };
  const ourDelay = spread(results.get(OURS)!.map(maxLoopDelay));
  const idleDelay = spread(results.get(IDLE)!.map(maxLoopDelay));

  return {
    title: "4. Password hashing",
    method:
      `Per round: ${hashes} sequential hash${hashes === 1 ? "" : "es"} of one password, then ` +
      `${SIGN_INS} sign-ins (\`auth.useKey\`, each checking a stored hash) started at once ` +
      "while `perf_hooks.monitorEventLoopDelay` (1 ms resolution) records the event loop's " +
      `delays; ${rounds} alternating rounds. Same scrypt parameters for both (N=16384, r=16, ` +
      "p=1, 64-byte key); ratios are against Lucia v2 (below 1 is faster). The idle row is " +
      `the loop's longest delay over ${idleMs} ms with no work at all: what the machine ` +
      "itself adds.",
    headers: ["hashing", "ms per hash", "max loop delay, 8 sign-ins (ms)", "8 sign-ins (ms)"],
    rows: [OURS, V2, IDLE]
      .filter((name) => results.has(name))
      .map((name) => [
        name,
        column(name, (hashing) => hashing.msPerHash),
        column(name, maxLoopDelay),
        column(name, (hashing) => hashing.signInsMs),
      ]),
    targets: [
      {
        goal: `max event-loop delay under ${TARGET_MS} ms while 8 sign-ins hash at once`,
        met: ourDelay.median < TARGET_MS,
        measured:
          `median ${formatMs(ourDelay.median)} ms, worst round ${formatMs(ourDelay.max)} ms; ` +
          `idle loop median ${formatMs(idleDelay.median)} ms`,
      },
    ],
    notes: [
      "node:crypto's asynchronous scrypt runs on libuv's thread pool, at most cores − 1 " +
        "hashes at once (1 here), so the event loop keeps a core; Lucia v2's scrypt runs in " +
        "JavaScript on the loop.",
      ...(ourDelay.median < TARGET_MS
        ? []
        : [
            "Cause of the miss: compare the idle loop's row: the machine stalls an idle event " +
              "loop too (other processes on 2 cores); the hashes themselves run off the loop.",
          ]),
      ...(options.quick ? ["Quick run: Lucia v2 is measured by the full run only."] : []),
    ],
  };
}

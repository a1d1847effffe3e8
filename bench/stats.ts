/** Medians of alternating rounds, and the ratios that every table of BENCHMARKS.md shows. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection before every round: each contender starts from a clean heap instead of
// paying for the garbage of the one before it (Lucia v2's is large).
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** The median, minimum and maximum of a sample. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new Error("spread() of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** One contender of a benchmark: a name and one timed round, returning a figure. */
export interface Contender<R> {
  name: string;
  round: () => Promise<R>;
}

/**
 * Runs `rounds` rounds; in each, every contender runs once, in an order rotated per round so
 * that no contender always runs first (warm caches) or last (a noisy neighbour's burst).
 */
export async function alternate<R>(
  contenders: Contender<R>[],
  rounds: number,
): Promise<Map<string, R[]>> {
  const results = new Map<string, R[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length]!;
      collectGarbage();
      results.get(contender.name)!.push(await contender.round());
    }
  }
  return results;
}

/** Per-round ratios `values[i] / reference[i]`: both were measured in the same round. */
export function ratios(values: number[], reference: number[]): number[] {
  return values.map((value, round) => value / reference[round]!);
}

/** Operations per second of `count` sequential calls of `operation`. */
export async function opsPerSecond(
  count: number,
  operation: (index: number) => Promise<unknown>,
): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await operation(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

/** `12.3k` style, for throughput. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(1)}k`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(2)}k`;
  return perSecond.toFixed(0);
}

/** `0.93x (0.90–0.95)`: median ratio with its min and max. */
export function formatRatio({ median, min, max }: Spread): string {
  return `${median.toFixed(2)}x (${min.toFixed(2)}–${max.toFixed(2)})`;
}

/** `12.3k (11.9k–12.6k)`. */
export function formatRateSpread({ median, min, max }: Spread): string {
  return `${formatRate(median)} (${formatRate(min)}–${formatRate(max)})`;
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

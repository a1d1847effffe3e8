import { LuciaError } from "../core/errors.js";
import { memoryThrottleStore } from "./memory.js";
import type { ThrottleStore } from "./types.js";

/** How sign-in failures are throttled. Every field has a default. */
export interface SignInThrottleOptions {
  /** Default: in memory (one server). Use a SQL or Redis store when running several. */
  store?: ThrottleStore;
  /** Failures of one key allowed in a window before attempts are refused. Default 5. */
  maxFailures?: number;
  /**
   * Failures from one client address allowed in a window. Default: `maxFailures`. Raise it
   * when many users share an address (an office behind one NAT).
   */
  maxFailuresPerAddress?: number;
  /** A count lapses this long after its last failure. Default 15 minutes. */
  windowMs?: number;
  /** The first refusal lasts this long, then doubles with each further failure. Default 30 s. */
  baseDelayMs?: number;
  /** The longest refusal; at most `windowMs`. Default: `windowMs`. */
  maxDelayMs?: number;
  /**
   * Addresses of your own reverse proxies. Only when the connection comes from one of them is
   * the client taken from `X-Forwarded-For` (its right-most address that is not a proxy).
   * Empty by default: a forwarded header is trivially forged.
   */
  trustedProxies?: string[];
}

const MINUTE = 60_000;

/**
 * Counts failed sign-ins per key and per client address. After `maxFailures` failures, the next
 * attempts are refused (`AUTH_TOO_MANY_REQUESTS`, with `retryAfterSeconds`) for a delay that
 * doubles with each further failure. A success clears the key's count.
 */
export class SignInThrottle {
  readonly #store: ThrottleStore;
  readonly #maxFailures: number;
  readonly #maxFailuresPerAddress: number;
  readonly #windowMs: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #trustedProxies: Set<string>;
  /** Attempts on one id run one after another, so parallel guesses see each other's failures. */
  // LIMITATION: the queue is per process. Servers sharing a store each let one parallel guess
  // pass the check before the others' failures are recorded: one extra guess per server.
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: SignInThrottleOptions = {}) {
    this.#store = options.store ?? memoryThrottleStore();
    this.#maxFailures = options.maxFailures ?? 5;
    this.#maxFailuresPerAddress = options.maxFailuresPerAddress ?? this.#maxFailures;
    this.#windowMs = options.windowMs ?? 15 * MINUTE;
    this.#baseDelayMs = options.baseDelayMs ?? MINUTE / 2;
    this.#maxDelayMs = options.maxDelayMs ?? this.#windowMs;
    this.#trustedProxies = new Set((options.trustedProxies ?? []).map(normalizeAddress));
    for (const [name, value] of Object.entries({
      maxFailures: this.#maxFailures,
      maxFailuresPerAddress: this.#maxFailuresPerAddress,
      windowMs: this.#windowMs,
      baseDelayMs: this.#baseDelayMs,
      maxDelayMs: this.#maxDelayMs,
    })) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new TypeError(`qwik-lucia: \`signInThrottle.${name}\` must be a positive integer`);
      }
    }
    // A count lapses `windowMs` after its last failure, which must not end a refusal early.
    if (this.#maxDelayMs > this.#windowMs) {
      throw new TypeError("qwik-lucia: `signInThrottle.maxDelayMs` must not exceed `windowMs`");
    }
  }

  /**
   * Runs one sign-in attempt under the throttle. `keyId` identifies the account (its count is
   * cleared on success); `clientAddress`, when known, is counted too. Failures are the
   * attempts rejected with AUTH_INVALID_KEY_ID or AUTH_INVALID_PASSWORD.
   */
  attempt<T>(keyId: string, clientAddress: string | null, signIn: () => Promise<T>): Promise<T> {
    const ids = [`key:${keyId}`];
    if (clientAddress) ids.push(`address:${clientAddress}`);
    return this.#serialized(ids[0]!, () => this.#attempt(ids, signIn));
  }

  async #attempt<T>(ids: string[], signIn: () => Promise<T>): Promise<T> {
    const now = Date.now();
    let blockedUntil = 0;
    for (const id of ids) {
      const record = await this.#store.get(id, now, this.#windowMs);
      const allowed = id.startsWith("address:") ? this.#maxFailuresPerAddress : this.#maxFailures;
      if (record) blockedUntil = Math.max(blockedUntil, this.#blockedUntil(record, allowed));
    }
    if (blockedUntil > now) {
      const retryAfterSeconds = Math.ceil((blockedUntil - now) / 1000);
      throw new LuciaError(
        "AUTH_TOO_MANY_REQUESTS",
        `too many failed sign-ins; retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }

    try {
      const result = await signIn();
      await this.#store.reset(ids[0]!);
      return result;
    } catch (error) {
      if (isSignInFailure(error)) {
        const failedAt = Date.now();
        await Promise.all(ids.map((id) => this.#store.recordFailure(id, failedAt, this.#windowMs)));
      }
      throw error;
    }
  }

  /** The client's address: the peer, or behind a trusted proxy the forwarded client. */
  clientAddress(peer: string | null | undefined, forwardedFor: string | null): string | null {
    if (!peer) return null;
    const address = normalizeAddress(peer);
    if (!this.#trustedProxies.has(address) || !forwardedFor) return address;
    const hops = forwardedFor.split(",").map((hop) => normalizeAddress(hop.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (hop && !this.#trustedProxies.has(hop)) return hop;
    }
    return address;
  }

  #blockedUntil(record: { failures: number; lastFailureAt: number }, allowed: number): number {
    if (record.failures < allowed) return 0;
    const doublings = Math.min(record.failures - allowed, 30);
    const delay = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** doublings);
    return record.lastFailureAt + delay;
  }

  async #serialized<T>(id: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const current = previous.then(run, run);
    const settled = current.catch(() => undefined);
    this.#queues.set(id, settled);
    try {
      return await current;
    } finally {
      if (this.#queues.get(id) === settled) this.#queues.delete(id);
    }
  }
}

function isSignInFailure(error: unknown): boolean {
  return (
    error instanceof LuciaError &&
    (error.code === "AUTH_INVALID_KEY_ID" || error.code === "AUTH_INVALID_PASSWORD")
  );
}

/** `::ffff:127.0.0.1` (IPv4 seen through an IPv6 socket) is `127.0.0.1`. */
function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

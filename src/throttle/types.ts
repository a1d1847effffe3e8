/** The failures counted for one key (a username, say) or one client address. */
export interface ThrottleRecord {
  failures: number;
  /** Unix milliseconds of the most recent failure. */
  lastFailureAt: number;
}

/**
 * Where failure counts live: in memory for one server, in SQL or Redis for many. Every method
 * is atomic for one id. Records older than `windowMs` after their last failure count as none.
 */
export interface ThrottleStore {
  get(id: string, now: number, windowMs: number): Promise<ThrottleRecord | null>;
  /** Adds one failure (starting from zero when the record has lapsed) and returns the record. */
  recordFailure(id: string, now: number, windowMs: number): Promise<ThrottleRecord>;
  reset(id: string): Promise<void>;
}

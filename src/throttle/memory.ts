import type { ThrottleRecord, ThrottleStore } from "./types.js";

// Lapsed records are swept when the map grows past this size, so an attacker cycling through
// usernames cannot grow memory without bound.
const SWEEP_THRESHOLD = 10_000;

/** Failure counts in this process's memory: right for one server, lost on restart. */
export function memoryThrottleStore(): ThrottleStore {
  const records = new Map<string, ThrottleRecord>();
  const live = (record: ThrottleRecord | undefined, now: number, windowMs: number) =>
    record && now - record.lastFailureAt < windowMs ? record : null;

  return {
    async get(id, now, windowMs) {
      const record = live(records.get(id), now, windowMs);
      return record && { ...record };
    },
    async recordFailure(id, now, windowMs) {
      if (records.size >= SWEEP_THRESHOLD) {
        for (const [key, record] of records) {
          if (!live(record, now, windowMs)) records.delete(key);
        }
      }
      const previous = live(records.get(id), now, windowMs);
      const record = { failures: (previous?.failures ?? 0) + 1, lastFailureAt: now };
      records.set(id, record);
      return { ...record };
    },
    async reset(id) {
      records.delete(id);
    },
  };
}

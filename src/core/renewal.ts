import type { SessionAdapter, SessionRenewal, SessionSchema } from "../adapters/types.js";
import { databaseFailure } from "./errors.js";
import type { SessionState } from "./types.js";

/** A session's state at `now`: the edges are exact to the millisecond. */
export function stateAt(session: SessionSchema, now: number): SessionState | "dead" {
  if (now < session.active_expires) return "active";
  if (now < session.idle_expires) return "idle";
  return "dead";
}

/** How many recent renewals are remembered (a few hundred bytes each). */
const RECENT_RENEWALS = 1000;

/**
 * Renews idle sessions in place. Parallel validations in this process share one write, and a
 * validation that read the row before a renewal finished (its query queued behind others)
 * reuses that renewal. Across servers, `renewSession` writes only if nobody renewed first, and
 * a session deleted meanwhile (signed out) stays deleted.
 */
export class SessionRenewals {
  // By session id, with the `active_expires` each renewal replaced; oldest first.
  readonly #recent = new Map<string, { from: number; renewal: Promise<SessionRenewal | null> }>();

  constructor(private readonly sessions: SessionAdapter) {}

  /** The session's new expiries, or null when it was deleted or died meanwhile. */
  renew(row: SessionSchema, renewal: SessionRenewal): Promise<SessionRenewal | null> {
    const known = this.#recent.get(row.id);
    if (known && known.from === row.active_expires) return known.renewal;
    const entry = {
      from: row.active_expires,
      renewal: Promise.resolve<SessionRenewal | null>(null),
    };
    entry.renewal = this.#write(row, renewal).catch((error: unknown) => {
      // A failing store is not remembered: the next validation tries again.
      if (this.#recent.get(row.id) === entry) this.#recent.delete(row.id);
      throw databaseFailure(error);
    });
    // Re-inserted, so the map's order is by age and the oldest entry goes first.
    this.#recent.delete(row.id);
    this.#recent.set(row.id, entry);
    if (this.#recent.size > RECENT_RENEWALS) {
      this.#recent.delete(this.#recent.keys().next().value as string);
    }
    return entry.renewal;
  }

  async #write(row: SessionSchema, renewal: SessionRenewal): Promise<SessionRenewal | null> {
    if (await this.sessions.renewSession(row.id, renewal, row.active_expires)) return renewal;
    const current = await this.sessions.getSession(row.id);
    if (!current || stateAt(current, Date.now()) === "dead") return null;
    return { active_expires: current.active_expires, idle_expires: current.idle_expires };
  }
}

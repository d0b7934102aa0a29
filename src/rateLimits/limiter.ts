// Fixed-window counters in the database, so every instance sees the same count; talks to the db only.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { rateLimitCounters } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';

export interface Window {
  key: string;
  limit: number;
  seconds: number;
}

export interface RateLimiter {
  /** Seconds until the window reopens, or 0 when the key is under its limit. */
  blockedFor(window: Window): Promise<number>;
  /** Counts one hit; says the count in the current window and when that window ends. */
  hit(window: Window): Promise<{ count: number; retryAfter: number }>;
  /** Counts one hit in each window with a single statement; answers in the order given. */
  hitAll(windows: Window[]): Promise<{ count: number; retryAfter: number }[]>;
  /** Takes back one hit in the current window. */
  release(window: Window): Promise<void>;
  reset(key: string): Promise<void>;
}

/** The longest wait among the windows `hits` (from hitAll, in the same order) put over their limit; 0 when none. */
export function longestWait(windows: Window[], hits: { count: number; retryAfter: number }[]): number {
  return Math.max(0, ...hits.map((h, i) => (h.count > (windows[i]?.limit ?? 0) ? h.retryAfter : 0)));
}

export function createRateLimiter({ db, clock }: { db: Executor; clock: Clock }): RateLimiter {
  // Pass a transaction as `db` to make hits roll back with it.
  const windowStart = (seconds: number) => {
    const ms = seconds * 1000;
    return new Date(Math.floor(clock.now().getTime() / ms) * ms);
  };
  const retryAfter = (start: Date, seconds: number) =>
    Math.max(1, Math.ceil((start.getTime() + seconds * 1000 - clock.now().getTime()) / 1000));

  return {
    async blockedFor({ key, limit, seconds }) {
      const start = windowStart(seconds);
      const [row] = await db
        .select({ count: rateLimitCounters.count })
        .from(rateLimitCounters)
        .where(and(eq(rateLimitCounters.key, key), eq(rateLimitCounters.windowStart, start)));
      return (row?.count ?? 0) >= limit ? retryAfter(start, seconds) : 0;
    },
    async hit({ key, seconds }) {
      const start = windowStart(seconds);
      const [row] = await db
        .insert(rateLimitCounters)
        .values({ key, windowStart: start, count: 1 })
        .onConflictDoUpdate({
          target: [rateLimitCounters.key, rateLimitCounters.windowStart],
          set: { count: sql`${rateLimitCounters.count} + 1` },
        })
        .returning({ count: rateLimitCounters.count });
      return { count: row?.count ?? 1, retryAfter: retryAfter(start, seconds) };
    },
    async hitAll(windows) {
      if (windows.length === 0) return [];
      const rows = await db
        .insert(rateLimitCounters)
        .values(windows.map((w) => ({ key: w.key, windowStart: windowStart(w.seconds), count: 1 })))
        .onConflictDoUpdate({
          target: [rateLimitCounters.key, rateLimitCounters.windowStart],
          set: { count: sql`${rateLimitCounters.count} + 1` },
        })
        .returning({ key: rateLimitCounters.key, count: rateLimitCounters.count });
      const counts = new Map(rows.map((r) => [r.key, r.count]));
      return windows.map((w) => ({
        count: counts.get(w.key) ?? 1,
        retryAfter: retryAfter(windowStart(w.seconds), w.seconds),
      }));
    },
    async release({ key, seconds }) {
      await db
        .update(rateLimitCounters)
        .set({ count: sql`greatest(${rateLimitCounters.count} - 1, 0)` })
        .where(and(eq(rateLimitCounters.key, key), eq(rateLimitCounters.windowStart, windowStart(seconds))));
    },
    async reset(key) {
      await db.delete(rateLimitCounters).where(eq(rateLimitCounters.key, key));
    },
  };
}

// Fixed-window counters in the database, so every instance sees the same count; talks to the db only.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { rateLimitCounters } from '../db/schema/index.js';
import type { Clock } from './clock.js';

export interface Window {
  key: string;
  limit: number;
  seconds: number;
}

export interface RateLimiter {
  /** Seconds until the window reopens, or 0 when the key is under its limit. */
  blockedFor(window: Window): Promise<number>;
  /** Counts one hit and returns the count in the current window. */
  hit(window: Window): Promise<number>;
  reset(key: string): Promise<void>;
}

export function createRateLimiter({ db, clock }: { db: Executor; clock: Clock }): RateLimiter {
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
      return row?.count ?? 1;
    },
    async reset(key) {
      await db.delete(rateLimitCounters).where(eq(rateLimitCounters.key, key));
    },
  };
}

// Progressive delays in the database, so every instance sees the same: a key may fail `free`
// times, then each further attempt must wait, since the last one counted, twice as long as the one
// before (from `baseSeconds`, capped at `maxSeconds`). Quiet for `forgetSeconds`, a key starts
// over; a success resets it. Talks to the db only.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rateLimitBackoffs } from '../db/schema/index.js';
import type { Clock } from '../lib/clock.js';

export interface BackoffPolicy {
  free: number;
  baseSeconds: number;
  maxSeconds: number;
  forgetSeconds: number;
}

export interface Backoff {
  /**
   * Counts one attempt as a failure unless it must wait; says how many seconds it must (0: go
   * ahead). Counted before the outcome is known, so parallel attempts cannot all slip through.
   */
  attempt(key: string): Promise<number>;
  /** Forgets the key's failures: it succeeded. */
  reset(key: string): Promise<void>;
}

/** Seconds to wait after `failures` in a row, before the next attempt. */
export function backoffSeconds(policy: BackoffPolicy, failures: number): number {
  if (failures < policy.free) return 0;
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (failures - policy.free));
}

export function createBackoff({ db, clock, policy }: { db: Db; clock: Clock; policy: BackoffPolicy }): Backoff {
  const table = rateLimitBackoffs;
  return {
    attempt: (key) =>
      db.transaction(async (tx) => {
        const now = clock.now();
        // The row exists before it is locked, so concurrent first attempts queue on it too.
        await tx.insert(table).values({ key, failures: 0, lastFailureAt: now }).onConflictDoNothing();
        const [row] = await tx.select().from(table).where(eq(table.key, key)).for('update');
        const forgotten = !row || row.lastFailureAt.getTime() <= now.getTime() - policy.forgetSeconds * 1000;
        const failures = forgotten ? 0 : row.failures;
        if (!forgotten) {
          const ready = row.lastFailureAt.getTime() + backoffSeconds(policy, failures) * 1000;
          if (ready > now.getTime()) return Math.max(1, Math.ceil((ready - now.getTime()) / 1000));
        }
        await tx
          .update(table)
          .set({ failures: failures + 1, lastFailureAt: now })
          .where(eq(table.key, key));
        return 0;
      }),
    async reset(key) {
      await db.delete(table).where(eq(table.key, key));
    },
  };
}

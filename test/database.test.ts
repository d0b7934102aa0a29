// The database connection itself: on PostgreSQL, Drizzle's statements run prepared, in one round
// trip each after their first, inside transactions and savepoints too.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '../src/analytics/service.js';
import { users } from '../src/db/schema/index.js';
import { testDatabase } from './helpers/db.js';

const prepared = (statements: { statement: string }[]) =>
  statements.filter((s) => s.statement.includes('"users"."id" = $1')).length;

describe('statements', () => {
  it('are prepared once per PostgreSQL connection, in transactions and savepoints alike (PGlite prepares none)', async () => {
    const { db, driver } = await testDatabase();
    const lookup = (executor: Pick<typeof db, 'select'>) =>
      executor.select({ id: users.id }).from(users).where(eq(users.id, randomUUID()));
    const seen = await db.transaction(async (tx) => {
      await lookup(tx);
      await lookup(tx);
      const inSavepoint = await tx.transaction(async (inner) => {
        await inner.select({ n: sql<number>`1` }).from(users).where(eq(users.email, 'nobody@example.com'));
        return rows<{ statement: string }>(inner, sql`select statement from pg_prepared_statements`);
      });
      return {
        outer: await rows<{ statement: string }>(tx, sql`select statement from pg_prepared_statements`),
        inSavepoint,
      };
    });
    if (driver === 'pglite') {
      expect(seen.outer).toEqual([]);
      return;
    }
    // Run twice on one connection, prepared once.
    expect(prepared(seen.outer)).toBe(1);
    expect(seen.inSavepoint.some((s) => s.statement.includes('"users"."email" = $1'))).toBe(true);
  });
});

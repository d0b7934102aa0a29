// The database connection itself: on PostgreSQL, Drizzle's statements run prepared, in one round
// trip each after their first, inside transactions and savepoints too.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Tx } from '../src/db/client.js';
import { migrateDatabase, migrationsApplied } from '../src/db/migrate.js';
import { rows } from '../src/db/rows.js';
import { users } from '../src/db/schema/index.js';
import { testDatabase } from './helpers/db.js';

describe('statements', () => {
  it('are prepared once per PostgreSQL connection, in transactions and savepoints alike (PGlite prepares none)', async () => {
    const { db, driver } = await testDatabase();
    // A statement text no other test runs, on connections other tests have used.
    const marker = `probe-${randomUUID()}`;
    const probe = (executor: Pick<typeof db, 'select'>, column: typeof users.id | typeof users.email) =>
      executor
        .select({ marker: sql.raw(`'${marker}'`) })
        .from(users)
        .where(eq(column, randomUUID()));
    const listed = async (executor: Tx) =>
      (await rows<{ statement: string }>(executor, sql`select statement from pg_prepared_statements`)).filter((s) =>
        s.statement.includes(marker),
      );
    const seen = await db.transaction(async (tx) => {
      await probe(tx, users.id);
      await probe(tx, users.id);
      const inSavepoint = await tx.transaction(async (inner) => {
        await probe(inner, users.email);
        return listed(inner);
      });
      return { outer: await listed(tx), inSavepoint };
    });
    if (driver === 'pglite') {
      expect(seen.outer).toEqual([]);
      return;
    }
    // The first statement ran twice and was prepared once; the savepoint's is prepared as well.
    expect(seen.outer).toHaveLength(2);
    expect(seen.outer.filter((s) => s.statement.includes('"id" = $1'))).toHaveLength(1);
    expect(seen.inSavepoint.filter((s) => s.statement.includes('"email" = $1'))).toHaveLength(1);
  });
});

describe('readiness', () => {
  it('counts migrations as current only when every bundled one is applied by name, whatever the count', async () => {
    const database = openDatabase({ dataDir: undefined });
    try {
      await migrateDatabase(database);
      expect(await migrationsApplied(database)).toBe(true);
      const [applied] = await rows<{ id: number; name: string }>(
        database.db,
        sql`select id, name from drizzle.__drizzle_migrations order by id desc limit 1`,
      );
      if (!applied) throw new Error('no migration recorded');
      // As many rows as before, one of them not ours.
      await database.db.execute(
        sql`update drizzle.__drizzle_migrations set name = 'elsewhere' where id = ${applied.id}`,
      );
      expect(await migrationsApplied(database)).toBe(false);
      await database.db.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, name) values ('x', ${applied.name})`,
      );
      expect(await migrationsApplied(database)).toBe(true);
    } finally {
      await database.close();
    }
  });
});

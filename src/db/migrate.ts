// Applies drizzle-kit migrations; concurrent starts on one PostgreSQL wait on an advisory lock.
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database } from './client.js';
import { migrationsFolder } from './migrationsFolder.js';
import { rows } from './rows.js';

const MIGRATION_LOCK = 727_001;

export async function migrateDatabase(database: Database, url?: string): Promise<void> {
  // Every start but the first finds them all applied: one query instead of the migrator's run
  // (about 0.4 s on the embedded database; on PostgreSQL a connection and the advisory lock).
  if (await migrationsApplied(database)) return;
  if (database.driver === 'pglite') {
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the concrete driver type
    await migratePglite(database.db as any, { migrationsFolder });
    return;
  }
  if (!url) throw new Error('migrateDatabase needs the URL for PostgreSQL');
  // A single dedicated connection, so the session-level advisory lock covers the whole run.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const db = drizzlePostgres({ client });
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await migratePostgres(db, { migrationsFolder });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

let bundled: string[] | undefined;

/**
 * True when every migration bundled with this code has been applied, by name: a database whose
 * history differs (another baseline, a missing migration) is not ready even when it holds as many.
 * Migrations a newer instance applied beside them do not count against it.
 */
export async function migrationsApplied(database: Database): Promise<boolean> {
  // The folder does not change while the process runs: read it on the first readiness check only.
  bundled ??= readMigrationFiles({ migrationsFolder }).map((migration) => migration.name);
  try {
    const applied = new Set(
      (await rows<{ name: string | null }>(database.db, sql`select name from drizzle.__drizzle_migrations`)).map(
        (row) => row.name,
      ),
    );
    return bundled.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

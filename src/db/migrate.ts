// Applies drizzle-kit migrations; concurrent starts on one PostgreSQL wait on an advisory lock.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database } from './client.js';

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

const MIGRATION_LOCK = 727_001;

export async function migrateDatabase(database: Database, url?: string): Promise<void> {
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

/** True when every migration in the folder has been applied. */
let migrationCount: number | undefined;

export async function migrationsApplied(database: Database): Promise<boolean> {
  // The folder does not change while the process runs: read it on the first readiness check only.
  migrationCount ??= readdirSync(migrationsFolder, { withFileTypes: true }).filter((d) => d.isDirectory()).length;
  const expected = migrationCount;
  try {
    const rows = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    const n = Number(
      (rows as unknown as { rows?: { n: number }[] }).rows?.[0]?.n ?? (rows as unknown as { n: number }[])[0]?.n,
    );
    return n >= expected;
  } catch {
    return false;
  }
}

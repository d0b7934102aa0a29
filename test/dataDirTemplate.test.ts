// A new embedded database is copied from a template made once per install (src/db/initDataDir.ts).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteOptions } from '../src/db/client.js';
import { initDataDir, prepareDataDirTemplate } from '../src/db/initDataDir.js';
import { migrationsFolder } from '../src/db/migrationsFolder.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'data-dir-template-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the embedded database template', () => {
  it('is made once when two processes ask at once, and a new DATA_DIR copied from it opens with the start parameters, even after a copy cut short', async () => {
    const cache = path.join(scratch, 'cache');
    const [first, second] = await Promise.all([prepareDataDirTemplate(cache), prepareDataDirTemplate(cache)]);
    expect(second).toBe(first);
    // One template, no half-written one left beside it.
    expect(readdirSync(cache)).toEqual([path.basename(first)]);
    expect(existsSync(path.join(first, 'PG_VERSION'))).toBe(true);

    // A start that died while copying left files but no PG_VERSION: the next start copies again.
    const dataDir = path.join(scratch, 'data');
    await initDataDir(dataDir, cache);
    rmSync(path.join(dataDir, 'PG_VERSION'));
    writeFileSync(path.join(dataDir, 'postgresql.conf'), 'half a file');
    await initDataDir(dataDir, cache);
    expect(readdirSync(dataDir).sort()).toEqual(readdirSync(first).sort());

    const db = await PGlite.create(dataDir, pgliteOptions());
    try {
      const { rows } = await db.query<{ shared_buffers: string }>('show shared_buffers');
      expect(rows[0]?.shared_buffers).toBe('16MB');
      // Every bundled migration is applied already: the server's migrator has nothing to do.
      const applied = await db.query<{ name: string }>('select name from drizzle.__drizzle_migrations');
      expect(applied.rows.map((r) => r.name).sort()).toEqual(
        readdirSync(migrationsFolder)
          .filter((m) => existsSync(path.join(migrationsFolder, m, 'migration.sql')))
          .sort(),
      );
      await db.exec('create table kept (n int); insert into kept values (1)');
    } finally {
      await db.close();
    }
    // The template itself is untouched by what the copy holds.
    const fromTemplate = path.join(scratch, 'fresh');
    await initDataDir(fromTemplate, cache);
    const fresh = await PGlite.create(fromTemplate, pgliteOptions());
    try {
      const { rows } = await fresh.query<{ n: number }>(
        "select count(*)::int as n from pg_tables where tablename = 'kept'",
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await fresh.close();
    }
  }, 120_000);
});

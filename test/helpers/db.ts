// One database per test worker: PostgreSQL when TEST_DATABASE_URL is set, else an in-memory PGlite.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { assertTestDatabaseUrl, type Database, openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';

let shared: Promise<Database> | undefined;

export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (url) {
      assertTestDatabaseUrl(url);
      return openDatabase({ url, poolSize: 5 });
    }
    const database = openDatabase({ dataDir: undefined });
    await migrateDatabase(database);
    return database;
  })();
  return shared;
}

/**
 * A database of its own, for tests whose background jobs act on every row (the delivery worker,
 * the expiry sweeper). On PostgreSQL a fresh database beside the test one, dropped afterwards.
 */
export async function isolatedDatabase(): Promise<{ database: Database; url?: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const database = openDatabase({ dataDir: undefined });
    await migrateDatabase(database);
    return { database, drop: () => database.close() };
  }
  assertTestDatabaseUrl(url);
  const own = new URL(url);
  const name = `${own.pathname.slice(1)}_${randomUUID().slice(0, 8)}`;
  own.pathname = `/${name}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const database = openDatabase({ url: own.toString(), poolSize: 10 });
  await migrateDatabase(database, own.toString());
  return {
    database,
    url: own.toString(),
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

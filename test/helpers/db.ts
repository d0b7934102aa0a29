// One database per test worker: PostgreSQL when TEST_DATABASE_URL is set, else an in-memory PGlite.
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

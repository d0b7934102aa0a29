// Runs once before all workers: builds the web app when its sources changed (the browser tests
// load it from the server); on PostgreSQL, checks the database is a test one and migrates it.
import { buildWeb } from '../../scripts/build-web.mjs';
import { assertTestDatabaseUrl, openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';

export default async function setup() {
  await buildWeb({ quiet: true });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  assertTestDatabaseUrl(url);
  const database = openDatabase({ url, poolSize: 1 });
  await migrateDatabase(database, url);
  await database.close();
}

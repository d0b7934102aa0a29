// `npm run db:migrate`: applies the migrations to DATABASE_URL, or to the embedded database.
import { parseConfig } from '../config.js';
import { openDatabase } from './client.js';
import { migrateDatabase } from './migrate.js';

const config = parseConfig(process.env);
const database = openDatabase(
  config.DATABASE_URL ? { url: config.DATABASE_URL, poolSize: 1 } : { dataDir: config.DATA_DIR },
);
await migrateDatabase(database, config.DATABASE_URL);
await database.close();
console.log(`migrations applied to ${config.DATABASE_URL ? 'PostgreSQL' : config.DATA_DIR}`);

// `npm run worker`: the delivery worker as its own process, next to any number of API instances.

import { loadSigningKey } from './auth/tokens.js';
import { ConfigError, parseConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createMailer } from './delivery/mailer.js';
import { createSealer } from './delivery/sealing.js';
import { createDeliveryWorker } from './delivery/worker.js';
import { createEventBus } from './events/bus.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';

async function main() {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (!config.DATABASE_URL) {
    // The embedded database belongs to one process: the server's own worker serves it.
    console.error('npm run worker needs DATABASE_URL (the embedded database is served by `npm start`)');
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const database = openDatabase({ url: config.DATABASE_URL, poolSize: 4 });
  await migrateDatabase(database, config.DATABASE_URL);
  const events = createEventBus({ redisUrl: config.REDIS_URL, reconnectMaxMs: config.REDIS_RECONNECT_MAX_MS, logger });
  const mailer = createMailer(config, logger);
  const worker = createDeliveryWorker({
    db: database.db,
    clock: systemClock,
    config,
    mailer,
    sealer: createSealer(await loadSigningKey(config)),
    events,
    logger,
    id: config.WORKER_ID,
  });
  worker.start();
  logger.info('delivery worker started');
  const shutdown = async () => {
    await worker.stop();
    await mailer.close();
    await events.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

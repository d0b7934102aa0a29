// `npm run worker`: the delivery worker as its own process, next to any number of API instances.

import { loadSigningKey } from './auth/tokens.js';
import { parseConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createMailer } from './delivery/mailer.js';
import { createSealer } from './delivery/sealing.js';
import { createDeliveryWorker } from './delivery/worker.js';
import { createEventBus } from './events/bus.js';
import { systemClock } from './lib/clock.js';
import { installLastResort } from './lib/lastResort.js';
import { createLogger } from './lib/logger.js';
import { checkDatabase, checkRedis } from './ops/dependencies.js';
import { checkWorkerMatchesApi } from './ops/deployment.js';
import { StartupError } from './ops/startupError.js';
import { exitOnStartupFailure } from './ops/startupFailure.js';
import { startTracing } from './ops/tracing.js';
import { createWebhookRecorder } from './webhooks/recorder.js';
import { webhookDrain } from './webhooks/sender.js';

async function main() {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL) {
    // The embedded database belongs to one process: the server's own worker serves it.
    throw new StartupError(
      'DATABASE_URL: required: npm run worker needs DATABASE_URL (the embedded database is served by `npm start`)',
    );
  }
  const logger = createLogger(config.LOG_LEVEL, { format: config.logFormat });
  installLastResort(logger);
  const privateKeyPem = await loadSigningKey(config);
  await checkDatabase(config.DATABASE_URL, config.STARTUP_TIMEOUT_MS, logger);
  if (config.REDIS_URL) await checkRedis(config.REDIS_URL, config.STARTUP_TIMEOUT_MS, logger);
  // Before the database opens: its statements get spans only if tracing is on by then.
  const tracing = config.tracesExporter ? await startTracing({ exporterName: config.tracesExporter }) : undefined;
  const database = openDatabase({ url: config.DATABASE_URL, poolSize: 4, timeoutMs: config.DATABASE_TIMEOUT_MS });
  await migrateDatabase(database, config.DATABASE_URL);
  try {
    await checkWorkerMatchesApi(database.db, { privateKeyPem, redisUrl: config.REDIS_URL });
  } catch (error) {
    await database.close();
    throw error;
  }
  const events = createEventBus({ redisUrl: config.REDIS_URL, reconnectMaxMs: config.REDIS_RECONNECT_MAX_MS, logger });
  const mailer = createMailer(config, logger);
  const sealer = createSealer(privateKeyPem);
  const worker = createDeliveryWorker({
    db: database.db,
    clock: systemClock,
    config,
    mailer,
    sealer,
    events,
    logger,
    follower: createWebhookRecorder({ clock: systemClock }),
    beside: [webhookDrain({ db: database.db, clock: systemClock, config, sealer, logger })],
    id: config.WORKER_ID,
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: no new claims, finishing the sends begun');
    await worker.stop();
    await mailer.close();
    await events.close();
    await database.close();
    await tracing?.shutdown().catch(() => {});
    process.exit(0);
  };
  // Listening before it says it started: a signal sent on that line finds the handler.
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  worker.start();
  logger.info('delivery worker started');
}

main().catch(exitOnStartupFailure);

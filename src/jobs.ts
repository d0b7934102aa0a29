// The background jobs an instance runs: the delivery worker (unless WORKER_ENABLED=false) with its
// mailer and the webhook sender, the expiry sweeper and the retention sweep. Talks to the database, the mailer, the event bus and the services.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createMailer } from './delivery/mailer.js';
import type { Sealer } from './delivery/sealing.js';
import { createDeliveryWorker } from './delivery/worker.js';
import type { EventBus } from './events/bus.js';
import type { ChangeFollower } from './invitations/changes.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import type { Metrics } from './lib/metrics.js';
import { createRetention } from './retention/prune.js';
import type { Services } from './services.js';
import { webhookDrain } from './webhooks/sender.js';

export function createJobs(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  sealer: Sealer;
  events: EventBus;
  logger: Logger;
  services: Services;
  follower: ChangeFollower;
  metrics?: Metrics;
}) {
  const { db, config, clock, sealer, events, logger, services, follower, metrics } = deps;
  const mailer = createMailer(config, logger);
  const worker = config.WORKER_ENABLED
    ? createDeliveryWorker({
        db,
        clock,
        config,
        mailer,
        sealer,
        events,
        logger,
        metrics,
        follower,
        beside: [webhookDrain({ db, clock, config, sealer, logger, metrics })],
        id: config.WORKER_ID,
      })
    : undefined;

  // Records EXPIRED transitions; reads never wait for it. Any instance may run it.
  const sweeper =
    config.EXPIRY_SWEEP_SECONDS > 0
      ? setInterval(() => {
          services.invitations.sweepExpired().catch((error: unknown) => {
            logger.error('expiry sweep failed', { err: error });
          });
        }, config.EXPIRY_SWEEP_SECONDS * 1000)
      : undefined;
  sweeper?.unref();

  // Deletes rows past their use (src/retention/prune.ts), in bounded batches. Any instance may run it.
  const retention = createRetention({ db, clock, config });
  let pruning = false;
  const pruner =
    config.RETENTION_SWEEP_SECONDS > 0
      ? setInterval(() => {
          if (pruning) return;
          pruning = true;
          retention
            .runOnce()
            .then((pruned) => logger.debug('retention sweep done', { pruned }))
            .catch((error: unknown) => logger.error('retention sweep failed', { err: error }))
            .finally(() => {
              pruning = false;
            });
        }, config.RETENTION_SWEEP_SECONDS * 1000)
      : undefined;
  pruner?.unref();

  return {
    /** The in-process delivery worker, unless WORKER_ENABLED=false. */
    worker,
    /** The retention sweep, which also runs every RETENTION_SWEEP_SECONDS; `runOnce()` runs one now. */
    retention,
    /** Starts the worker; the sweepers run from creation. */
    start() {
      worker?.start();
    },
    async stop() {
      clearInterval(sweeper);
      clearInterval(pruner);
      await worker?.stop();
      await mailer.close();
    },
  };
}

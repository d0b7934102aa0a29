// The background jobs an instance runs: the delivery worker (unless WORKER_ENABLED=false) with its
// mailer, and the expiry sweeper. Talks to the database, the mailer, the event bus and the services.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createMailer } from './delivery/mailer.js';
import type { Sealer } from './delivery/sealing.js';
import { createDeliveryWorker } from './delivery/worker.js';
import type { EventBus } from './events/bus.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import type { Services } from './services.js';

export function createJobs(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  sealer: Sealer;
  events: EventBus;
  logger: Logger;
  services: Services;
}) {
  const { db, config, clock, sealer, events, logger, services } = deps;
  const mailer = createMailer(config, logger);
  const worker = config.WORKER_ENABLED
    ? createDeliveryWorker({ db, clock, config, mailer, sealer, events, logger, id: config.WORKER_ID })
    : undefined;

  // Records EXPIRED transitions; reads never wait for it. Any instance may run it.
  const sweeper =
    config.EXPIRY_SWEEP_SECONDS > 0
      ? setInterval(() => {
          services.invitations.sweepExpired().catch((error: unknown) => {
            logger.error('expiry sweep failed', { error: String(error) });
          });
        }, config.EXPIRY_SWEEP_SECONDS * 1000)
      : undefined;
  sweeper?.unref();

  return {
    /** The in-process delivery worker, unless WORKER_ENABLED=false. */
    worker,
    /** Starts the worker; the sweeper runs from creation. */
    start() {
      worker?.start();
    },
    async stop() {
      clearInterval(sweeper);
      await worker?.stop();
      await mailer.close();
    },
  };
}

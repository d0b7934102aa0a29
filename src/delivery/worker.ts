// The delivery worker: claims due outbox rows with a lease (FOR UPDATE SKIP LOCKED, so any number
// of workers share the queue), has them validated (screening.ts), sends them DELIVERY_CONCURRENCY
// at a time (sending.ts) and ends or retries each attempt (finishing.ts), publishing after commit;
// beside them, the account emails (accountEmails.ts).
// Wakes on queued deliveries or polls. Talks to the database, the mailer, the event bus and DNS.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import { createChanges } from '../invitations/changes.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createAccountMailing } from './accountEmails.js';
import { createFinishing } from './finishing.js';
import type { Mailer } from './mailer.js';
import { createScreening, type Ready } from './screening.js';
import type { Sealer } from './sealing.js';
import { createSending } from './sending.js';
import { type Attempt, claimDue } from './store.js';

export { backoffMs } from './finishing.js';

export type WorkerConfig = Pick<
  Config,
  | 'MAIL_FROM'
  | 'DELIVERY_MAX_TRIES'
  | 'DELIVERY_BACKOFF_BASE_MS'
  | 'DELIVERY_BACKOFF_MAX_MS'
  | 'DELIVERY_LEASE_SECONDS'
  | 'DELIVERY_POLL_MS'
  | 'DELIVERY_BATCH_SIZE'
  | 'DELIVERY_CONCURRENCY'
  | 'MX_LOOKUP_ENABLED'
  | 'MX_LOOKUP_TIMEOUT_MS'
  | 'EMAIL_TRACKING_ENABLED'
  | 'publicUrl'
>;

export interface DeliveryWorker {
  /** Claims and processes what is due now; resolves with how many invitation attempts it handled. */
  runOnce(): Promise<number>;
  /** Claims due attempts without processing them: what a worker that dies right after does. */
  claim(): Promise<{ id: string }[]>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when the started worker's current pass ends (the next one's when it is idle), with what it handled. */
  nextPass(): Promise<number>;
  /** When the started worker last finished a pass without failing (for /health). */
  lastPassAt(): Date | undefined;
}

export function createDeliveryWorker(deps: {
  db: Db;
  clock: Clock;
  config: WorkerConfig;
  mailer: Mailer;
  sealer: Sealer;
  events: EventBus;
  logger: Logger;
  id?: string;
}): DeliveryWorker {
  const { db, clock, config, events, logger } = deps;
  const workerId = deps.id ?? `worker-${randomUUID().slice(0, 8)}`;
  const changes = createChanges({ db, events });
  const finishing = createFinishing({ clock, config, logger });
  const screening = createScreening({ db, clock, config, changes, finishing });
  const sending = createSending({ ...deps, changes, finishing, workerId });
  const accountMailing = createAccountMailing({ ...deps, workerId });

  const claim = (): Promise<Attempt[]> => {
    const now = clock.now();
    return claimDue(db, {
      workerId,
      now,
      until: new Date(now.getTime() + config.DELIVERY_LEASE_SECONDS * 1000),
      batchSize: config.DELIVERY_BATCH_SIZE,
    });
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  let busy = false;
  let again = false;
  let wakeups: AsyncIterator<undefined> | undefined;
  /** Who waits for the end of the pass now running, and of the next one. */
  let thisPass: ((handled: number) => void)[] | undefined;
  let nextPass: ((handled: number) => void)[] = [];
  let lastPassAt: Date | undefined;

  async function runOnce(): Promise<number> {
    // Account emails go out beside the invitations, so neither waits for the other's mail server.
    const accountEmails = accountMailing.sendDue().catch((error: unknown) => {
      // Their leases run out and another pass takes them over.
      logger.error('account emails crashed', { error: String(error) });
      return 0;
    });
    let handled = 0;
    // Each group sends once the one before has sent, and records and commits while the next one
    // sends; the next batch is claimed and validated while the last group sends. The SMTP
    // connections stay busy, and never more than DELIVERY_CONCURRENCY emails are in flight.
    const groups: Promise<void>[] = [];
    let previousSent = Promise.resolve();
    try {
      for (;;) {
        const claimed = await claim();
        handled += claimed.length;
        let ready: Ready[] = [];
        try {
          ready = await screening.validate(claimed);
        } catch (error) {
          // Their leases run out and another pass takes them over.
          logger.error('delivery batch crashed', { attempts: claimed.length, error: String(error) });
        }
        for (let i = 0; i < ready.length; i += config.DELIVERY_CONCURRENCY) {
          const group = ready.slice(i, i + config.DELIVERY_CONCURRENCY);
          await previousSent;
          let sendsDone = () => {};
          const sent = new Promise<void>((resolve) => {
            sendsDone = resolve;
          });
          groups.push(
            sending
              .sendGroup(group, sendsDone)
              .catch((error: unknown) => {
                // Their leases run out and another pass takes them over.
                logger.error('delivery group crashed', {
                  attempts: group.map((r) => r.attempt.id),
                  error: String(error),
                });
              })
              .finally(sendsDone),
          );
          previousSent = sent;
        }
        if (claimed.length < config.DELIVERY_BATCH_SIZE || stopped) break;
      }
    } finally {
      await Promise.all(groups);
      await accountEmails;
    }
    return handled;
  }

  /** One pass at a time; a wake-up during a pass asks for another right after it. */
  function tick() {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    clearTimeout(timer);
    thisPass = nextPass;
    nextPass = [];
    running = runOnce()
      .then((handled) => {
        lastPassAt = clock.now();
        return handled;
      })
      .catch((error: unknown) => {
        logger.error('delivery pass failed', { error: String(error) });
        return 0;
      })
      .then((handled) => {
        const waiters = thisPass ?? [];
        thisPass = undefined;
        for (const resolve of waiters) resolve(handled);
      })
      .finally(() => {
        busy = false;
        if (stopped) return;
        if (again) {
          again = false;
          tick();
        } else {
          timer = setTimeout(tick, config.DELIVERY_POLL_MS);
        }
      });
  }

  return {
    runOnce,
    claim,
    nextPass: () => new Promise((resolve) => (thisPass ?? nextPass).push(resolve)),
    lastPassAt: () => lastPassAt,
    start() {
      if (!stopped) return;
      stopped = false;
      wakeups = events.deliveriesQueued()[Symbol.asyncIterator]();
      const listen = async () => {
        while (!stopped && wakeups) {
          const next = await wakeups.next();
          if (next.done) return;
          tick();
        }
      };
      void listen();
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await wakeups?.return?.();
      await running;
    },
  };
}

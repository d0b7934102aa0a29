// Account emails (a password reset, an email verification): the delivery side of the accounts'
// outbox port, and their sending. Rows are committed with their token, claimed with a lease like
// invitation attempts, sent DELIVERY_CONCURRENCY at a time as a continuous pool (a hung
// conversation holds one slot, not the others), retried with backoff until their tries are used
// up or their link expires, and failed at once on a permanent refusal (replies.ts). Talks to the
// delivery store, the mailer, the sealer and the event bus.
import type { AccountOutbox } from '../accounts/outbox.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createSlots } from '../lib/slots.js';
import { backoffMs } from './finishing.js';
import type { Mailer } from './mailer.js';
import { composeAccountMail } from './message.js';
import { isPermanent, refusalText } from './replies.js';
import type { Sealer } from './sealing.js';
import { type AccountEmailRow, claimDueAccountEmails, insertAccountEmail, settleAccountEmail } from './store.js';

export function createAccountOutbox(deps: { clock: Clock; sealer: Sealer; events: EventBus }): AccountOutbox {
  const { clock, sealer, events } = deps;
  return {
    async queue(tx, email) {
      await insertAccountEmail(tx, {
        userId: email.userId,
        purpose: email.purpose,
        recipient: email.to,
        sealedLink: sealer.seal(email.link),
        expiresAt: email.expiresAt,
        availableAt: clock.now(),
        createdAt: clock.now(),
      });
    },
    queued: () => events.deliveryQueued(),
  };
}

export type AccountMailingConfig = Pick<
  Config,
  | 'MAIL_FROM'
  | 'DELIVERY_MAX_TRIES'
  | 'DELIVERY_BACKOFF_BASE_MS'
  | 'DELIVERY_BACKOFF_MAX_MS'
  | 'DELIVERY_LEASE_SECONDS'
  | 'DELIVERY_BATCH_SIZE'
  | 'DELIVERY_CONCURRENCY'
>;

export function createAccountMailing(deps: {
  db: Db;
  clock: Clock;
  config: AccountMailingConfig;
  mailer: Mailer;
  sealer: Sealer;
  logger: Logger;
  workerId: string;
  /** Called whenever a send ends and its slot frees. */
  onFree?: () => void;
}) {
  const { db, clock, config, mailer, sealer, logger, workerId } = deps;

  async function sendOne(row: AccountEmailRow): Promise<void> {
    const now = clock.now();
    if (!row.sealedLink || row.expiresAt <= now) {
      await settleAccountEmail(db, row.id, workerId, { state: 'FAILED', at: now, error: 'expired before it was sent' });
      return;
    }
    try {
      await mailer.send(
        composeAccountMail({
          from: config.MAIL_FROM,
          to: row.recipient,
          messageId: `<${row.id}@invitation-api>`,
          purpose: row.purpose,
          link: sealer.open(row.sealedLink),
          expiresAt: row.expiresAt,
        }),
      );
    } catch (error) {
      const message = refusalText(error);
      if (isPermanent(error) || row.tries >= config.DELIVERY_MAX_TRIES) {
        logger.warn('account email failed for good', { email: row.id, tries: row.tries, error: message });
        await settleAccountEmail(db, row.id, workerId, { state: 'FAILED', at: clock.now(), error: message });
        return;
      }
      const wait = backoffMs(row.tries, config.DELIVERY_BACKOFF_BASE_MS, config.DELIVERY_BACKOFF_MAX_MS);
      logger.info('account email will be retried', { email: row.id, tries: row.tries, waitMs: wait, error: message });
      const availableAt = new Date(clock.now().getTime() + wait);
      await settleAccountEmail(db, row.id, workerId, { state: 'RETRY', at: clock.now(), error: message, availableAt });
      return;
    }
    await settleAccountEmail(db, row.id, workerId, { state: 'SENT', at: clock.now() });
  }

  const slots = createSlots(config.DELIVERY_CONCURRENCY, deps.onFree);

  return {
    /**
     * Claims what is due now, as many as there are free slots, and starts sending it; resolves
     * with how many it claimed and, in `settled`, when those sends have ended. It never waits for
     * a conversation before claiming more, so a hung one holds up only itself.
     */
    async fill(): Promise<{ handled: number; settled: Promise<unknown> }> {
      let handled = 0;
      const started: Promise<void>[] = [];
      for (;;) {
        const room = Math.min(config.DELIVERY_BATCH_SIZE, slots.free());
        if (room === 0) break;
        const now = clock.now();
        const claimed = await claimDueAccountEmails(db, {
          workerId,
          now,
          until: new Date(now.getTime() + config.DELIVERY_LEASE_SECONDS * 1000),
          batchSize: room,
        });
        handled += claimed.length;
        for (const row of claimed) {
          started.push(
            slots.run(() =>
              sendOne(row).catch((error: unknown) => {
                // Its lease runs out and another pass takes it over.
                logger.error('account email crashed', { email: row.id, err: error });
              }),
            ),
          );
        }
        if (claimed.length < room) break;
      }
      return { handled, settled: Promise.all(started) };
    },
    /** Resolves once every send started so far has ended. */
    idle: () => slots.idle(),
  };
}

export type AccountMailing = ReturnType<typeof createAccountMailing>;

// Ending delivery attempts: SENT, SUPERSEDED, REJECTED or FAILED in one statement per outcome,
// and a refused send retried with backoff until its tries are used up, or FAILED at once when the
// refusal is permanent (replies.ts). Talks to the delivery store and, for the invitation's
// status, the transitions.
import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import type { DeliveryState } from '../db/schema/index.js';
import type { ChangeLog } from '../invitations/changes.js';
import type { Invitation } from '../invitations/store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { type Metrics, noMetrics } from '../lib/metrics.js';
import { attemptLogger } from './attemptLog.js';
import { type Attempt, finishAttempts, scheduleRetry } from './store.js';
import { recordDeliveryStatus } from './transitions.js';

export type FinishingConfig = Pick<
  Config,
  'DELIVERY_MAX_TRIES' | 'DELIVERY_BACKOFF_BASE_MS' | 'DELIVERY_BACKOFF_MAX_MS' | 'EMAIL_TRACKING_ENABLED'
>;

/** A send the mail server refused. */
export interface Refusal {
  attempt: Attempt;
  invitation: Invitation;
  tries: number;
  error: string;
  /** A 5xx reply (replies.ts): no retry. */
  permanent: boolean;
  /** The server's reply code, when it answered. */
  responseCode?: number;
}

/** Exponential backoff with full jitter between half and all of the step, capped. */
export function backoffMs(tries: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, tries - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function createFinishing({
  clock,
  config,
  logger,
  metrics = noMetrics,
}: {
  clock: Clock;
  config: FinishingConfig;
  logger: Logger;
  metrics?: Metrics;
}) {
  /** Ends attempts in one statement; `messageIds` by attempt id, for SENT; `set` for every row. */
  async function finishAll(
    tx: Tx,
    ending: Attempt[],
    state: DeliveryState,
    { messageIds, set }: { messageIds?: Map<string, string>; set?: Partial<Attempt> } = {},
  ) {
    if (ending.length === 0) return;
    metrics.deliveryOutcome(state, ending.length);
    await finishAttempts(
      tx,
      ending.map((attempt) => attempt.id),
      // With click tracking the redirect still needs the link of a sent mail while the invitation is open.
      { state, at: clock.now(), wipeLink: !(state === 'SENT' && config.EMAIL_TRACKING_ENABLED), messageIds, set },
    );
  }

  /** Ends the attempt and moves its invitation's delivery status, both as `state` (REJECTED, FAILED). */
  async function endWith(
    tx: Tx,
    log: ChangeLog,
    ended: { attempt: Attempt; invitation: Invitation },
    state: 'REJECTED' | 'FAILED',
    lastError: string,
    data: Record<string, unknown>,
  ) {
    // Issued together: postgres.js pipelines them on the connection, a round trip fewer.
    await Promise.all([
      finishAll(tx, [ended.attempt], state, { set: { lastError } }),
      recordDeliveryStatus(tx, log, ended.invitation, state, clock.now(), data),
    ]);
  }

  /** A refused send: FAILED at once when permanent or once the tries are used up, else retried with backoff. */
  async function refused(tx: Tx, log: ChangeLog, refusal: Refusal) {
    const { attempt, tries, error, permanent, responseCode } = refusal;
    if (permanent || tries >= config.DELIVERY_MAX_TRIES) {
      attemptLogger(logger, attempt).warn('delivery failed for good', { tries, error, responseCode });
      const reply = responseCode === undefined ? {} : { responseCode };
      return endWith(tx, log, refusal, 'FAILED', error, { error, tries, ...reply });
    }
    const wait = backoffMs(tries, config.DELIVERY_BACKOFF_BASE_MS, config.DELIVERY_BACKOFF_MAX_MS);
    metrics.deliveryRetry();
    attemptLogger(logger, attempt).info('delivery will be retried', { tries, waitMs: wait, error });
    await scheduleRetry(tx, attempt.id, { error, availableAt: new Date(clock.now().getTime() + wait) });
  }

  return { finishAll, endWith, refused };
}

export type Finishing = ReturnType<typeof createFinishing>;

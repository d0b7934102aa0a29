// Webhooks out, drained by the delivery worker beside the emails: claims due deliveries with a
// lease (FOR UPDATE SKIP LOCKED, at most WEBHOOK_CONCURRENCY_PER_ENDPOINT in flight per endpoint
// across workers), sends each signed (signing.ts) through the safe client (http.ts) in a pool of
// WEBHOOK_CONCURRENCY slots, so a receiver that hangs holds its own slots and no one else's, and
// records the attempt: 2xx succeeds, anything else is retried on the schedule (schedule.ts), then
// FAILED; runs of failures may disable the endpoint (disabling.ts). At least once: a worker that
// dies mid-request leaves its lease to run out, and another sends again with the same webhook-id.
// Talks to the database, the sealer, DNS and the network.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Sealer } from '../delivery/sealing.js';
import type { OutboxDrainFactory } from '../delivery/worker.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { type Metrics, noMetrics } from '../lib/metrics.js';
import { createSlots } from '../lib/slots.js';
import { createDisabling } from './disabling.js';
import { type CallResult, post } from './http.js';
import { retryDelayMs } from './schedule.js';
import { signedHeaders } from './signing.js';
import {
  claimDueDeliveries,
  type Delivery,
  deliveryContext,
  insertAttempt,
  releaseDeliveries,
  settleDelivery,
} from './store.js';

export type SenderConfig = Pick<
  Config,
  | 'ALLOW_LOCAL_WEBHOOK_URLS'
  | 'WEBHOOK_RETRY_SCHEDULE_SECONDS'
  | 'WEBHOOK_DISABLE_AFTER_HOURS'
  | 'WEBHOOK_CONNECT_TIMEOUT_MS'
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_RESPONSE_EXCERPT_BYTES'
  | 'WEBHOOK_CONCURRENCY'
  | 'WEBHOOK_CONCURRENCY_PER_ENDPOINT'
  | 'DELIVERY_LEASE_SECONDS'
  | 'DELIVERY_BATCH_SIZE'
>;

/** The body every endpoint receives for a message, on every try (Standard Webhooks payload). */
export const payload = (message: { type: string; seq: number; data: Record<string, unknown>; createdAt: Date }) =>
  JSON.stringify({
    type: message.type,
    timestamp: message.createdAt.toISOString(),
    data: { ...message.data, sequence: message.seq },
  });

const excerptLimit = 1000;

export function createWebhookSender(deps: {
  db: Db;
  clock: Clock;
  config: SenderConfig;
  sealer: Sealer;
  logger: Logger;
  workerId: string;
  metrics?: Metrics;
  /** Called whenever a request ends and its slot frees. */
  onFree?: () => void;
}) {
  const { db, clock, config, sealer, logger, workerId, metrics = noMetrics } = deps;
  const disabling = createDisabling({ clock, logger, disableAfterHours: config.WEBHOOK_DISABLE_AFTER_HOURS });
  const limits = {
    allowLocal: config.ALLOW_LOCAL_WEBHOOK_URLS,
    connectTimeoutMs: config.WEBHOOK_CONNECT_TIMEOUT_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    excerptBytes: config.WEBHOOK_RESPONSE_EXCERPT_BYTES,
  };
  const slots = createSlots(config.WEBHOOK_CONCURRENCY, deps.onFree);
  /** Claimed, not yet begun: given back on stop. */
  const waiting = new Set<string>();
  let stopping = false;

  async function sendOne(claimed: Delivery): Promise<void> {
    waiting.delete(claimed.id);
    const found = await deliveryContext(db, claimed.id);
    // Its endpoint was deleted meanwhile (the delivery with it).
    if (!found) return;
    const { message, endpoint } = found;
    const body = payload(message);
    const started = clock.now();
    const headers = signedHeaders(sealer.open(endpoint.sealedSecret), message.id, started, body);
    const result: CallResult = await post(new URL(endpoint.url), headers, body, limits);
    const success = result.answered && result.status >= 200 && result.status < 300;
    const error = success
      ? null
      : result.answered
        ? `HTTP ${result.status}${result.status >= 300 && result.status < 400 ? ' (redirects are not followed)' : ''}`
        : result.error;
    await db.transaction(async (tx) => {
      await insertAttempt(tx, {
        deliveryId: claimed.id,
        statusCode: result.answered ? result.status : null,
        durationMs: result.durationMs,
        error: error?.slice(0, excerptLimit) ?? null,
        responseExcerpt: result.answered ? result.excerpt : null,
        outcome: success ? 'SUCCEEDED' : result.answered ? 'FAILED' : 'ERROR',
        createdAt: started,
      });
      const now = clock.now();
      if (success) {
        if (await settleDelivery(tx, claimed.id, workerId, { state: 'SUCCEEDED', at: now })) {
          await disabling.succeeded(tx, endpoint);
          metrics.webhookDelivery('SUCCEEDED');
        }
        return;
      }
      const wait = retryDelayMs(claimed.tries, config.WEBHOOK_RETRY_SCHEDULE_SECONDS);
      const settled =
        wait === undefined
          ? await settleDelivery(tx, claimed.id, workerId, { state: 'FAILED', at: now, error })
          : await settleDelivery(tx, claimed.id, workerId, {
              state: 'RETRY',
              at: now,
              error,
              availableAt: new Date(now.getTime() + wait),
            });
      if (!settled) return;
      metrics.webhookDelivery(wait === undefined ? 'FAILED' : 'RETRY');
      await disabling.failed(tx, endpoint.id);
    });
  }

  return {
    /**
     * Claims what is due, as many as there are free slots, and starts each request; resolves with
     * how many it claimed and, in `settled`, when those requests are recorded. Never waits for a
     * request before claiming more.
     */
    async fill(): Promise<{ handled: number; settled: Promise<unknown> }> {
      let handled = 0;
      const started: Promise<void>[] = [];
      while (!stopping) {
        const room = Math.min(config.DELIVERY_BATCH_SIZE, slots.free());
        if (room === 0) break;
        const now = clock.now();
        const claimed = await claimDueDeliveries(db, {
          workerId,
          now,
          until: new Date(now.getTime() + config.DELIVERY_LEASE_SECONDS * 1000),
          batchSize: room,
          perEndpoint: config.WEBHOOK_CONCURRENCY_PER_ENDPOINT,
        });
        handled += claimed.length;
        for (const row of claimed) {
          waiting.add(row.id);
          started.push(
            slots.run(() =>
              (stopping ? Promise.resolve() : sendOne(row)).catch((error: unknown) => {
                // Its lease runs out and another pass takes it over.
                logger.error('webhook delivery crashed', { delivery: row.id, error: String(error) });
              }),
            ),
          );
        }
        if (claimed.length < room) break;
      }
      return { handled, settled: Promise.all(started) };
    },
    /** Stops claiming; what was claimed and not begun goes back at once. */
    async stop() {
      stopping = true;
      try {
        await releaseDeliveries(db, workerId, [...waiting]);
      } catch (error) {
        logger.warn('could not release unstarted webhook deliveries', { error: String(error) });
      }
    },
    start() {
      stopping = false;
    },
    /** Resolves once every request started so far has ended and is recorded. */
    idle: () => slots.idle(),
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;

/** The sender as a drain of the delivery worker (delivery/worker.ts `beside`). */
export const webhookDrain =
  (deps: Omit<Parameters<typeof createWebhookSender>[0], 'workerId' | 'onFree'>): OutboxDrainFactory =>
  (wake, workerId) =>
    createWebhookSender({ ...deps, workerId, onFree: wake });

// The domain's own metrics, implementing the metrics port (src/lib/metrics.ts) the services and
// the worker report to. Labels are closed sets (typed codes, statuses, event types): never an
// address, a token or an id.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Metrics } from '../lib/metrics.js';

export function createDomainMetrics(registry: Registry): Metrics {
  const registers = [registry];
  const sent = new Counter({
    name: 'invitation_sent_total',
    help: 'Invitations sent by sendInvitation (idempotent replays not counted).',
    registers,
  });
  const refused = new Counter({
    name: 'invitation_send_refused_total',
    help: 'sendInvitation calls refused, by reason: the typed error code, or ERROR for an unexpected failure.',
    labelNames: ['reason'],
    registers,
  });
  const sendDuration = new Histogram({
    name: 'invitation_send_duration_seconds',
    help: 'How long sendInvitation takes in the service (checks, rate limits, the transaction with its outbox row), whatever its outcome.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers,
  });
  const outcomes = new Counter({
    name: 'delivery_outcomes_total',
    help: 'Delivery attempts ended by the worker (SENT, FAILED, REJECTED, SUPERSEDED) and provider reports (DELIVERED, BOUNCED), by status.',
    labelNames: ['status'],
    registers,
  });
  const retries = new Counter({
    name: 'delivery_retries_total',
    help: 'Refused sends scheduled to be tried again with backoff.',
    registers,
  });
  const webhookEvents = new Counter({
    name: 'delivery_webhook_events_total',
    help: 'Provider webhook events received with a valid signature, by type and result (applied, duplicate, unmatched).',
    labelNames: ['type', 'result'],
    registers,
  });
  const webhookDeliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Outbound webhook requests ended, by outcome: SUCCEEDED (2xx), RETRY (failed, scheduled again), FAILED (schedule used up).',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of ['SUCCEEDED', 'RETRY', 'FAILED']) webhookDeliveries.labels(outcome).inc(0);
  const responses = new Counter({
    name: 'invitation_responses_total',
    help: 'Invitations accepted or declined by their invitee, by response (ACCEPTED, DECLINED).',
    labelNames: ['response'],
    registers,
  });
  for (const response of ['ACCEPTED', 'DECLINED']) responses.labels(response).inc(0);
  // Present at zero from the first scrape, so rates and ratios exist before the first event.
  for (const status of ['SENT', 'FAILED', 'REJECTED', 'SUPERSEDED', 'DELIVERED', 'BOUNCED'])
    outcomes.labels(status).inc(0);

  return {
    invitationSend(outcome, seconds) {
      sendDuration.observe(seconds);
      if (outcome.sent) {
        if (!outcome.replayed) sent.inc();
      } else refused.labels(outcome.reason).inc();
    },
    deliveryOutcome: (status, count = 1) => outcomes.labels(status).inc(count),
    deliveryRetry: () => retries.inc(),
    invitationResponse: (response) => responses.labels(response).inc(),
    webhookEvent: (type, result) => webhookEvents.labels(type, result).inc(),
    webhookDelivery: (outcome) => webhookDeliveries.labels(outcome).inc(),
  };
}

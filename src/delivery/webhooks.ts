// Provider events about sent emails (delivered, deferred, bounced, complained, opened, clicked),
// signed with HMAC-SHA256 over "<timestamp>.<body>" and matched to invitations by Message-ID.
// A hard bounce or a complaint suppresses the address for the organisation. Each event applies
// once per organisation and message, however often it is delivered. Talks to the delivery and invitations stores and the event bus.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import { type ChangeFollower, createChanges } from '../invitations/changes.js';
import { invitationByMessageId } from '../invitations/store.js';
import type { Clock } from '../lib/clock.js';
import { type Metrics, noMetrics } from '../lib/metrics.js';
import { recordReceipt, suppressAddress } from './store.js';
import { recordDeliveryStatus, recordEngagement } from './transitions.js';

export type ProviderEventKind = 'delivered' | 'deferred' | 'bounced' | 'complained' | 'opened' | 'clicked';

/** The generic format: `{ "events": [ProviderEvent, …] }` or one ProviderEvent. */
export interface ProviderEvent {
  id: string;
  type: ProviderEventKind;
  messageId: string;
  /** Unix seconds. */
  timestamp?: number;
  /** For bounces: a soft bounce is only a deferral. */
  bounceType?: 'hard' | 'soft';
  reason?: string;
}

export type WebhookOutcome =
  | { status: 200; body: { applied: number; duplicates: number; unmatched: number } }
  | { status: 400 | 401 | 404; body: { error: string } };

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const SENDGRID_KINDS: Record<string, ProviderEventKind> = {
  delivered: 'delivered',
  deferred: 'deferred',
  bounce: 'bounced',
  dropped: 'bounced',
  spamreport: 'complained',
  open: 'opened',
  click: 'clicked',
};

function fromSendGrid(item: Record<string, unknown>, body: string): ProviderEvent | null {
  const kind = Object.hasOwn(SENDGRID_KINDS, String(item.event)) ? SENDGRID_KINDS[String(item.event)] : undefined;
  const messageId = item['smtp-id'] ?? item.sg_message_id;
  if (!kind || typeof messageId !== 'string') return null;
  return {
    id: typeof item.sg_event_id === 'string' ? item.sg_event_id : createHash('sha256').update(body).digest('hex'),
    type: kind,
    messageId,
    timestamp: typeof item.timestamp === 'number' ? item.timestamp : undefined,
    // SendGrid's "blocked" bounces are temporary; "bounce" and "dropped" are final.
    bounceType: item.type === 'blocked' ? 'soft' : 'hard',
    reason: typeof item.reason === 'string' ? item.reason : undefined,
  };
}

function isProviderEvent(value: unknown): value is ProviderEvent {
  const v = value as ProviderEvent;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.messageId === 'string' &&
    ['delivered', 'deferred', 'bounced', 'complained', 'opened', 'clicked'].includes(v.type)
  );
}

/** Both accepted formats, as a list of events; null when the body is neither. */
export function parseProviderEvents(body: string): ProviderEvent[] | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  if (Array.isArray(json) && json.every((i) => typeof i === 'object' && i !== null && 'event' in i)) {
    // A batch carries every kind the account enables (processed, unsubscribes, …): keep the ones
    // we track rather than refusing, and so losing, the whole batch.
    const tracked = json.filter((item) => Object.hasOwn(SENDGRID_KINDS, String(item.event)));
    const events = tracked.map((item) => fromSendGrid(item as Record<string, unknown>, JSON.stringify(item)));
    return events.every((e) => e !== null) ? (events as ProviderEvent[]) : null;
  }
  const list = (json as { events?: unknown })?.events ?? [json];
  return Array.isArray(list) && list.every(isProviderEvent) ? list : null;
}

export function createWebhookHandler(deps: {
  db: Db;
  clock: Clock;
  events: EventBus;
  secret: string | undefined;
  toleranceSeconds: number;
  follower: ChangeFollower;
  metrics?: Metrics;
}) {
  const { clock, secret, metrics = noMetrics } = deps;
  const changes = createChanges(deps);

  function verified(timestamp: string | null, signature: string | null, body: string): boolean {
    if (!secret || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
    // A stale timestamp is a replay of an old request, even with a valid signature.
    if (Math.abs(clock.now().getTime() / 1000 - Number(timestamp)) > deps.toleranceSeconds) return false;
    const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
    const given = Buffer.from(signature.trim());
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async function apply(event: ProviderEvent): Promise<'applied' | 'duplicate' | 'unmatched'> {
    return changes.committed(async (tx, log) => {
      const invitation = await invitationByMessageId(tx, event.messageId);
      if (!invitation) return 'unmatched' as const;
      const receipt = {
        organizationId: invitation.organizationId,
        messageId: event.messageId,
        eventId: event.id,
        at: clock.now(),
      };
      if (!(await recordReceipt(tx, receipt))) return 'duplicate' as const;
      const at = event.timestamp ? new Date(event.timestamp * 1000) : clock.now();
      const data = event.reason ? { reason: event.reason } : {};
      switch (event.type) {
        case 'delivered':
          if (invitation.deliveryStatus === 'SENT') {
            await recordDeliveryStatus(tx, log, invitation, 'DELIVERED', at);
            metrics.deliveryOutcome('DELIVERED');
          }
          break;
        case 'deferred':
          await recordEngagement(tx, log, invitation, 'DELIVERY_DEFERRED', at, data);
          break;
        case 'bounced':
        case 'complained':
          if (event.type === 'bounced' && event.bounceType === 'soft') {
            await recordEngagement(tx, log, invitation, 'DELIVERY_DEFERRED', at, data);
            break;
          }
          await recordDeliveryStatus(tx, log, invitation, 'BOUNCED', at, { ...data, cause: event.type });
          metrics.deliveryOutcome('BOUNCED');
          await suppressAddress(tx, {
            organizationId: invitation.organizationId,
            email: invitation.email,
            reason: event.type === 'complained' ? 'a complaint' : 'a hard bounce',
            at: clock.now(),
          });
          break;
        case 'opened':
          await recordEngagement(tx, log, invitation, 'OPENED', at);
          break;
        case 'clicked':
          await recordEngagement(tx, log, invitation, 'CLICKED', at);
          break;
      }
      return 'applied' as const;
    });
  }

  return {
    async handle(
      headers: { timestamp: string | null; signature: string | null },
      body: string,
    ): Promise<WebhookOutcome> {
      if (!secret) return { status: 404, body: { error: 'webhooks are not configured' } };
      if (!verified(headers.timestamp, headers.signature, body)) {
        return { status: 401, body: { error: 'bad or expired signature' } };
      }
      const parsed = parseProviderEvents(body);
      if (!parsed) return { status: 400, body: { error: 'unrecognised event format' } };
      const counts = { applied: 0, duplicates: 0, unmatched: 0 };
      for (const event of parsed) {
        const outcome = await apply(event);
        metrics.webhookEvent(event.type, outcome);
        if (outcome === 'applied') counts.applied += 1;
        else if (outcome === 'duplicate') counts.duplicates += 1;
        else counts.unmatched += 1;
      }
      return { status: 200, body: counts };
    },
  };
}

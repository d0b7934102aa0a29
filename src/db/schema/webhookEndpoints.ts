import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/** What an organisation's own systems can hear about, as the payload's `type` reads (src/webhooks/events.ts). */
export const webhookEventTypes = [
  'invitation.created',
  'invitation.resent',
  'invitation.delivery_status_changed',
  'invitation.delivery_deferred',
  'invitation.opened',
  'invitation.clicked',
  'invitation.accepted',
  'invitation.declined',
  'invitation.cancelled',
  'invitation.expired',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'webhook_endpoint.disabled',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** An organisation's receiver of signed webhooks. `sealedSecret` is the signing secret, sealed (delivery/sealing.ts). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    /** Empty: every event type, including those added later. */
    eventTypes: text('event_types').$type<WebhookEventType>().array().notNull().default([]),
    enabled: boolean('enabled').notNull().default(true),
    sealedSecret: text('sealed_secret').notNull(),
    /** Since when every attempt has failed; null after a success. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    disabledReason: text('disabled_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.organizationId, t.createdAt)],
);

/**
 * One event as sent: the same `id` (webhook-id) and body on every endpoint and every retry.
 * `seq` increases with every message; see README "Webhooks" for the ordering it gives.
 */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    organizationId: uuid('organization_id').notNull(),
    type: text('type').$type<WebhookEventType>().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('webhook_messages_created_idx').on(t.createdAt)],
);

export const webhookDeliveryStates = ['QUEUED', 'SENDING', 'RETRY', 'SUCCEEDED', 'FAILED'] as const;
export type WebhookDeliveryState = (typeof webhookDeliveryStates)[number];

/** The webhooks' outbox: one row per message and endpoint, committed with the change it tells of. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => webhookMessages.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').notNull(),
    state: text('state').$type<WebhookDeliveryState>().notNull().default('QUEUED'),
    /** Attempts so far in the current schedule (a redelivery starts it again). */
    tries: integer('tries').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_deliveries_due_idx')
      .on(t.state, t.availableAt)
      .where(sql`${t.state} in ('QUEUED', 'RETRY', 'SENDING')`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_finished_idx').on(t.finishedAt),
  ],
);

/** Each request made for a delivery, as readable through GraphQL. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** The HTTP status, null when no answer came. */
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    /** The first bytes of the answer (WEBHOOK_RESPONSE_EXCERPT_BYTES). */
    responseExcerpt: text('response_excerpt'),
    /** SUCCEEDED (2xx), FAILED (any other answer), ERROR (no answer: refused, timed out, unreachable). */
    outcome: text('outcome').$type<'SUCCEEDED' | 'FAILED' | 'ERROR'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.createdAt)],
);

import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { memberRole } from './memberships.js';
import { organizations } from './organizations.js';
import { users } from './users.js';

export const invitationStatuses = ['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];
export const invitationStatus = pgEnum('invitation_status', invitationStatuses);

export const deliveryStatuses = [
  'VALIDATING',
  'SENDING',
  'SENT',
  'DELIVERED',
  'BOUNCED',
  'FAILED',
  'REJECTED',
] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryStatus = pgEnum('delivery_status', deliveryStatuses);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Lower-cased at the edge. */
    email: text('email').notNull(),
    phone: text('phone'),
    role: memberRole('role').notNull(),
    message: text('message'),
    permissions: text('permissions').array().notNull().default([]),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    /**
     * As last written. A PENDING row past `expiresAt` reads as EXPIRED everywhere; the sweeper
     * writes the transition later.
     */
    status: invitationStatus('status').notNull().default('PENDING'),
    deliveryStatus: deliveryStatus('delivery_status').notNull().default('VALIDATING'),
    /** Public half of the token, for lookup; the secret half is stored only as a SHA-256 hash. */
    tokenSelector: text('token_selector').notNull(),
    tokenVerifierHash: text('token_verifier_hash').notNull(),
    attempts: integer('attempts').notNull().default(1),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    invitedById: uuid('invited_by_id').references(() => users.id, { onDelete: 'set null' }),
    acceptedById: uuid('accepted_by_id').references(() => users.id, { onDelete: 'set null' }),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    /** Message-ID of the latest email sent for it, the key of provider events. */
    messageId: text('message_id'),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('invitations_token_selector_key').on(t.tokenSelector),
    // One live invitation per address and organisation; expired ones are moved aside before a new one.
    uniqueIndex('invitations_one_pending_key')
      .on(t.organizationId, sql`lower(${t.email})`)
      .where(sql`${t.status} = 'PENDING'`),
    index('invitations_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    index('invitations_email_idx').on(sql`lower(${t.email})`),
    index('invitations_message_id_idx').on(t.messageId),
    // Pending invitations by expiry: the sweeper, and analytics' "expiring soon" and "expired, not yet swept".
    index('invitations_pending_expiry_idx')
      .on(t.organizationId, t.expiresAt, t.createdAt)
      .where(sql`${t.status} = 'PENDING'`),
  ],
);

export const invitationEventTypes = [
  'CREATED',
  'RESENT',
  'CANCELLED',
  'ACCEPTED',
  'DECLINED',
  'EXPIRED',
  'DELIVERY_STATUS_CHANGED',
  'DELIVERY_DEFERRED',
  'OPENED',
  'CLICKED',
] as const;
export type InvitationEventType = (typeof invitationEventTypes)[number];
export const invitationEventType = pgEnum('invitation_event_type', invitationEventTypes);

/** The timeline: every event of every invitation, in order. */
export const invitationEvents = pgTable(
  'invitation_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    invitationId: uuid('invitation_id')
      .notNull()
      .references(() => invitations.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').notNull(),
    type: invitationEventType('type').notNull(),
    actorId: uuid('actor_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Where the invitation stood right after the event, as live subscribers were told (null on older rows). */
    statusAfter: invitationStatus('status_after'),
    deliveryStatusAfter: deliveryStatus('delivery_status_after'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('invitation_events_invitation_idx').on(t.invitationId, t.seq),
    // A resuming organisation feed reads its events after a cursor, in order.
    index('invitation_events_organization_seq_idx').on(t.organizationId, t.seq),
  ],
);

export const deliveryStates = ['QUEUED', 'SENDING', 'RETRY', 'SENT', 'FAILED', 'REJECTED', 'SUPERSEDED'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * The transactional outbox: one row per email to send, committed with its invitation. Workers
 * claim due rows with a lease; `sealedLink` (the accept link, encrypted) is wiped once the row ends.
 */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    invitationId: uuid('invitation_id')
      .notNull()
      .references(() => invitations.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').notNull(),
    /** The invitation's `attempts` when queued: only the newest attempt may send. */
    attempt: integer('attempt').notNull(),
    state: text('state').$type<DeliveryState>().notNull().default('QUEUED'),
    sealedLink: text('sealed_link'),
    tries: integer('tries').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    messageId: text('message_id'),
    /** The HTTP request that queued it (x-request-id), named on the delivery's log lines. */
    requestId: text('request_id'),
    /** The W3C traceparent of the operation that queued it, when traces are on: its attempt's span links to it. */
    traceparent: text('traceparent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('delivery_attempts_due_idx').on(t.state, t.availableAt)],
);

/** Addresses an organisation no longer mails after a hard bounce or a complaint. */
export const emailSuppressions = pgTable(
  'email_suppressions',
  {
    organizationId: uuid('organization_id').notNull(),
    email: text('email').notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.email] })],
);

/**
 * Provider events already applied, so a redelivered webhook changes nothing. Keyed by the
 * organisation and Message-ID the event matched as well as the provider's event id: an id is only
 * unique where the provider says so, and one organisation's events must never shadow another's.
 */
export const webhookReceipts = pgTable(
  'webhook_receipts',
  {
    organizationId: uuid('organization_id').notNull(),
    messageId: text('message_id').notNull(),
    /** The provider's event id. */
    id: text('id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.messageId, t.id] })],
);

/** Results of idempotent requests, per caller and operation, for 24 hours. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

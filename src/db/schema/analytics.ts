// Aggregates kept up to date by triggers in the same transaction as the rows they count (see the
// baseline migration), so reading them costs the number of days asked for, not of invitations.
// Each column is the sum of a fact the SQL functions `invitation_facts` / `invitation_event_facts`
// derive from one row; a recount over the raw rows with the same functions must equal them.
import { integer, pgEnum, pgTable, primaryKey, smallint, timestamp, uuid } from 'drizzle-orm/pg-core';
import { memberRole } from './memberships.js';
import { organizations } from './organizations.js';

const count = (name: string) => integer(name).notNull().default(0);

/**
 * The periods a cohort rollup row covers: UTC hours, days and weeks (from Monday), each invitation
 * counted once at every grain. A range of creation times reads the weeks inside it, days and hours
 * towards its ends, and only the partial hours at its very ends from the invitations themselves.
 */
export const rollupGrain = pgEnum('rollup_grain', ['HOUR', 'DAY', 'WEEK']);

const period = {
  grain: rollupGrain('grain').notNull(),
  /** The period's first instant. */
  period: timestamp('period', { withTimezone: true }).notNull(),
};

/** Invitations by the period they were created in, inviter and role, as they stand now. */
export const invitationCohorts = pgTable(
  'invitation_cohorts',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    ...period,
    /** The nil uuid when the inviter's account is gone. */
    inviterId: uuid('inviter_id').notNull(),
    role: memberRole('role').notNull(),
    invited: count('invited'),
    pending: count('pending'),
    accepted: count('accepted'),
    declined: count('declined'),
    cancelled: count('cancelled'),
    expired: count('expired'),
    validating: count('validating'),
    sending: count('sending'),
    sent: count('sent'),
    delivered: count('delivered'),
    bounced: count('bounced'),
    failed: count('failed'),
    rejected: count('rejected'),
    reachedSent: count('reached_sent'),
    reachedDelivered: count('reached_delivered'),
    reachedOpened: count('reached_opened'),
    reachedClicked: count('reached_clicked'),
    resent: count('resent'),
    customMessage: count('custom_message'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.grain, t.period, t.inviterId, t.role] })],
);

/** Accepted invitations by creation period and time-to-accept bucket (16 per doubling of seconds). */
export const invitationAcceptTimes = pgTable(
  'invitation_accept_times',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    ...period,
    bucket: smallint('bucket').notNull(),
    accepted: count('accepted'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.grain, t.period, t.bucket] })],
);

const activityCounts = {
  invited: count('invited'),
  resent: count('resent'),
  sent: count('sent'),
  delivered: count('delivered'),
  opened: count('opened'),
  clicked: count('clicked'),
  accepted: count('accepted'),
  declined: count('declined'),
  cancelled: count('cancelled'),
  expired: count('expired'),
  bounced: count('bounced'),
  failed: count('failed'),
  rejected: count('rejected'),
};

/** Timeline events by 15-minute slot: every current time zone's midnight falls on a slot edge. */
export const invitationActivity = pgTable(
  'invitation_activity',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    ...activityCounts,
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.slot] })],
);

/** The same by hour: a quarter of the rows to read when every period edge falls on the hour. */
export const invitationActivityHours = pgTable(
  'invitation_activity_hours',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    ...activityCounts,
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.slot] })],
);

import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const accountLinkPurposes = ['PASSWORD_RESET', 'EMAIL_VERIFICATION'] as const;
export type AccountLinkPurpose = (typeof accountLinkPurposes)[number];

/**
 * Single-use secrets mailed to an account's address: a password reset or an email verification.
 * Only the SHA-256 hash of the secret half is stored; `usedAt` ends the token.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<AccountLinkPurpose>().notNull(),
    selector: text('selector').notNull().unique(),
    verifierHash: text('verifier_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('account_tokens_user_idx').on(t.userId, t.purpose)],
);

export const accountEmailStates = ['QUEUED', 'SENDING', 'RETRY', 'SENT', 'FAILED'] as const;
export type AccountEmailState = (typeof accountEmailStates)[number];

/**
 * The outbox of account emails, committed with their token: workers claim due rows with a lease;
 * `sealedLink` (the link, encrypted) is wiped once the row ends.
 */
export const accountEmails = pgTable(
  'account_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<AccountLinkPurpose>().notNull(),
    recipient: text('recipient').notNull(),
    state: text('state').$type<AccountEmailState>().notNull().default('QUEUED'),
    sealedLink: text('sealed_link'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    tries: integer('tries').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('account_emails_due_idx').on(t.state, t.availableAt)],
);

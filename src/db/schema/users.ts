import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    // Null for accounts that only ever sign in through the external identity provider.
    passwordHash: text('password_hash'),
    emailVerified: boolean('email_verified').notNull().default(false),
    // `${iss}|${sub}` of an external identity provider, when linked.
    externalId: text('external_id'),
    // Our tokens carry the generation they were issued in; a password reset moves it on, which
    // ends every session issued before.
    sessionGeneration: integer('session_generation').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_external_id_key').on(t.externalId),
  ],
);

import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// The client addresses each account (by its lower-cased email) has logged in from, and when last:
// others' failed guesses do not slow those addresses down.
export const loginAddresses = pgTable(
  'login_addresses',
  {
    email: text('email').notNull(),
    address: text('address').notNull(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.email, t.address] })],
);

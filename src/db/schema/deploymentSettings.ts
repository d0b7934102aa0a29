import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// What the API last started with, for separate workers to check themselves against: one row per
// setting (the signing key's fingerprint, whether events go through Redis). Holds no secret.
export const deploymentSettings = pgTable('deployment_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

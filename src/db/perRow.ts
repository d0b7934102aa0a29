// A value per row in one UPDATE, for statements that end or move many rows at once.
import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** `case <id column> when <id> then <value> … else <column> end`. */
export const perRow = (id: AnyPgColumn, column: AnyPgColumn, values: [string, string][]): SQL =>
  sql`case ${id} ${sql.join(
    values.map(([key, value]) => sql`when ${key}::uuid then ${value}`),
    sql` `,
  )} else ${column} end`;

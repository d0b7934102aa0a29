// The rows of a raw statement, whichever driver runs it: postgres.js answers an array, PGlite an
// object holding one.
import type { SQL } from 'drizzle-orm';
import type { Executor } from './client.js';

export async function rows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

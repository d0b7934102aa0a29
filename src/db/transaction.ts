// Runs a unit of work whose expected failures roll back everything it wrote.
import type { Result } from '../lib/errors.js';
import type { Executor, Tx } from './client.js';

class Rollback {
  constructor(readonly result: Result<never>) {}
}

export async function transactionResult<T>(db: Executor, work: (tx: Tx) => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Rollback(result);
      return result;
    });
  } catch (error) {
    for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
      if (e instanceof Rollback) return e.result;
    }
    throw error;
  }
}

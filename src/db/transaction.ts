// Runs a unit of work whose expected failures roll back everything it wrote.
import type { DomainError, Result } from '../lib/errors.js';
import type { Executor, Tx } from './client.js';

class Rollback {
  constructor(readonly result: { ok: false; error: DomainError }) {}
}

export async function transactionResult<T, E extends DomainError = DomainError>(
  db: Executor,
  work: (tx: Tx) => Promise<Result<T, E>>,
): Promise<Result<T, E>> {
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Rollback(result);
      return result;
    });
  } catch (error) {
    for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
      // Only this call's work throws its own Rollback, so the error is one of E.
      if (e instanceof Rollback) return e.result as { ok: false; error: E };
    }
    throw error;
  }
}

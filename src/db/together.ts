// Statements of one transaction sent together, in one round trip: each is started before any is
// awaited, and they leave on the transaction's connection in the order they were started.
// When one fails, PostgreSQL refuses every later one ("current transaction is aborted"); the error
// that explains is the first one's in that order, whichever rejection JavaScript sees first.

type Settled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

export async function together<T extends readonly unknown[]>(statements: readonly [...T]): Promise<Settled<T>> {
  const settled = await Promise.allSettled(statements);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as Settled<T>;
}

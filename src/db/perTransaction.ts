// Something a transaction works out once and reuses until it ends: a value per open transaction
// and key, made on first use, gone with the transaction object.
import type { Executor } from './client.js';

export function perTransaction<K, V>(): (tx: Executor, key: K, make: () => V) => V {
  const byTransaction = new WeakMap<Executor, Map<K, V>>();
  return (tx, key, make) => {
    let mine = byTransaction.get(tx);
    if (!mine) {
      mine = new Map();
      byTransaction.set(tx, mine);
    }
    if (!mine.has(key)) mine.set(key, make());
    return mine.get(key) as V;
  };
}

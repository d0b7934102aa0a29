// Transactions that change invitations: each collects the timeline changes it makes and publishes
// them once it commits (dropped if it does not); a queued email also wakes the delivery workers.
// Talks to the database and the event bus. Delivery's writes use it too.
import type { Db, Tx } from '../db/client.js';
import { transactionResult } from '../db/transaction.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import type { DomainError, Result } from '../lib/errors.js';

export type ChangeLog = InvitationChange[];

export interface Changes {
  /** A transaction whose expected failure rolls back everything it wrote, and publishes nothing. */
  changing<T, E extends DomainError>(work: (tx: Tx, log: ChangeLog) => Promise<Result<T, E>>): Promise<Result<T, E>>;
  /** A transaction that either commits, then publishes, or throws. */
  committed<T>(work: (tx: Tx, log: ChangeLog) => Promise<T>): Promise<T>;
}

export function createChanges({ db, events }: { db: Db; events: EventBus }): Changes {
  function publish(log: ChangeLog) {
    for (const change of log) events.publishChange(change);
    if (log.some((c) => c.type === 'CREATED' || c.type === 'RESENT')) events.deliveryQueued();
  }

  return {
    async changing(work) {
      let log: ChangeLog = [];
      const result = await transactionResult(db, (tx) => {
        log = [];
        return work(tx, log);
      });
      if (result.ok) publish(log);
      return result;
    },
    async committed(work) {
      const log: ChangeLog = [];
      const result = await db.transaction((tx) => work(tx, log));
      publish(log);
      return result;
    },
  };
}

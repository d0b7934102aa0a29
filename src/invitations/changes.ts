// Transactions that change invitations: each collects the timeline changes it makes, hands them
// to the follower inside the transaction (webhooks out queue their deliveries there, so they commit
// with the change), and publishes them once it commits (dropped if it does not); a queued email or
// webhook also wakes the delivery workers. Talks to the database and the event bus. Delivery's
// writes use it too.
import type { Db, Tx } from '../db/client.js';
import { transactionResult } from '../db/transaction.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import type { DomainError, Result } from '../lib/errors.js';

export type ChangeLog = InvitationChange[];

/** Hears of every change inside its transaction: the port webhooks out implement (src/webhooks/recorder.ts). */
export interface ChangeFollower {
  /**
   * Starts reading now what following `organizationId`'s changes in `tx` will need, so the read
   * shares a round trip with the work's first statements.
   */
  expect(tx: Tx, organizationId: string): void;
  /** Writes what follows from `log` in `tx`; true when it queued something for the delivery workers. */
  followChanges(tx: Tx, log: ChangeLog): Promise<boolean>;
}

export interface Changes {
  /**
   * A transaction whose expected failure rolls back everything it wrote, and publishes nothing.
   * `about` names the organisation the changes will be of, when the caller knows it beforehand.
   */
  changing<T, E extends DomainError>(
    work: (tx: Tx, log: ChangeLog) => Promise<Result<T, E>>,
    about?: { organizationId: string },
  ): Promise<Result<T, E>>;
  /** A transaction that either commits, then publishes, or throws. */
  committed<T>(work: (tx: Tx, log: ChangeLog) => Promise<T>): Promise<T>;
}

export function createChanges({
  db,
  events,
  follower,
}: {
  db: Db;
  events: EventBus;
  follower: ChangeFollower;
}): Changes {
  function publish(log: ChangeLog, followed: boolean) {
    for (const change of log) events.publishChange(change);
    if (followed || log.some((c) => c.type === 'CREATED' || c.type === 'RESENT')) events.deliveryQueued();
  }

  return {
    async changing(work, about) {
      let log: ChangeLog = [];
      let followed = false;
      const result = await transactionResult(db, async (tx) => {
        log = [];
        if (about) follower.expect(tx, about.organizationId);
        const done = await work(tx, log);
        if (done.ok) followed = await follower.followChanges(tx, log);
        return done;
      });
      if (result.ok) publish(log, followed);
      return result;
    },
    async committed(work) {
      const log: ChangeLog = [];
      let followed = false;
      const result = await db.transaction(async (tx) => {
        const done = await work(tx, log);
        followed = await follower.followChanges(tx, log);
        return done;
      });
      publish(log, followed);
      return result;
    },
  };
}

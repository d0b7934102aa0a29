// Writes audit rows, inside the caller's transaction so the record and the change commit together,
// chained per organisation (the rule in chain.ts, the SQL in store.ts), timed by the injected clock.
import { PgAsyncTransaction } from 'drizzle-orm/pg-core/async';
import type { Executor, Tx } from '../db/client.js';
import { perTransaction } from '../db/perTransaction.js';
import { together } from '../db/together.js';
import type { Clock } from '../lib/clock.js';
import { type ChainCheck, checkChain, GENESIS_HASH, rowHash } from './chain.js';
import { chainRows, insertAuditRow, lastHash, lockChain } from './store.js';

export { type ChainCheck, GENESIS_HASH } from './chain.js';

/** Who did it and from where; taken from the request at the edge. */
export interface Actor {
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The request that did it (src/http/requestIds.ts), carried to what it queues; none off HTTP. */
  requestId?: string | null;
}

export interface AuditEntry {
  organizationId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export interface AuditLog {
  /** Appends to the entry's chain: one insert when the transaction holds the chain already. */
  record(db: Executor, actor: Actor, entry: AuditEntry): Promise<void>;
  /**
   * Takes the organisation's chain now, for the rest of the transaction, and reads its head in the
   * same round trip; the transaction's records then wait on nothing. For a transaction that sends
   * its statements together, and for one that would otherwise lock a row, then the chain, while
   * every change takes the chain first: taken first, the two wait in one order and cannot deadlock.
   */
  lockChain(tx: Tx, organizationId: string): Promise<void>;
}

/** The last hash of a chain a transaction holds, advanced by each of its records. */
interface Head {
  prevHash: string;
}

// The chains each open transaction holds, shared by every AuditLog: one transaction may write
// through several, and all of them must chain onto the one head.
const held = perTransaction<string | null, Promise<Head>>();
const hold = (tx: Executor, organizationId: string | null) =>
  held(tx, organizationId, () =>
    // One round trip; the read leaves after the lock (store.ts).
    together([lockChain(tx, organizationId), lastHash(tx, organizationId)]).then(([, hash]) => ({
      prevHash: hash ?? GENESIS_HASH,
    })),
  );

export function createAuditLog({ clock }: { clock: Clock }): AuditLog {
  async function append(tx: Executor, actor: Actor, entry: AuditEntry) {
    const organizationId = entry.organizationId ?? null;
    const head = await hold(tx, organizationId);
    const row = {
      organizationId,
      actorId: actor.userId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      data: entry.data ?? {},
      ip: actor.ip,
      userAgent: actor.userAgent,
      createdAt: clock.now(),
    };
    const prevHash = head.prevHash;
    const hash = rowHash(prevHash, row);
    // Hashed and inserted in one step, so records of one transaction chain and take their seq in
    // the same order, whether or not an earlier insert has answered.
    head.prevHash = hash;
    await insertAuditRow(tx, { ...row, prevHash, hash });
  }

  return {
    async record(db, actor, entry) {
      // The lock serialises appends to one chain until commit: the caller's transaction, or one of its own.
      await (db instanceof PgAsyncTransaction
        ? append(db, actor, entry)
        : db.transaction((tx) => append(tx, actor, entry)));
    },
    lockChain: async (tx, organizationId) => {
      await hold(tx, organizationId);
    },
  };
}

export async function verifyAuditChain(db: Executor, organizationId: string): Promise<ChainCheck> {
  return checkChain(await chainRows(db, organizationId));
}

// Writes audit rows, inside the caller's transaction so the record and the change commit together,
// chained per organisation (the rule in chain.ts, the SQL in store.ts), timed by the injected clock.
import { PgAsyncTransaction } from 'drizzle-orm/pg-core/async';
import type { Executor } from '../db/client.js';
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
  record(db: Executor, actor: Actor, entry: AuditEntry): Promise<void>;
  /**
   * Takes the organisation's chain now, for the rest of the transaction (record() takes it too).
   * For a transaction that would otherwise lock a row, then the chain, while every change takes
   * the chain first: taken first, the two wait in one order and cannot deadlock.
   */
  lockChain(tx: Executor, organizationId: string): Promise<void>;
}

export function createAuditLog({ clock }: { clock: Clock }): AuditLog {
  return {
    async record(db, actor, entry) {
      const organizationId = entry.organizationId ?? null;
      const append = async (tx: Executor) => {
        await lockChain(tx, organizationId);
        const prevHash = (await lastHash(tx, organizationId)) ?? GENESIS_HASH;
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
        await insertAuditRow(tx, { ...row, prevHash, hash: rowHash(prevHash, row) });
      };
      // The lock serialises appends to one chain until commit: the caller's transaction, or one of its own.
      await (db instanceof PgAsyncTransaction ? append(db) : db.transaction(append));
    },
    lockChain: (tx, organizationId) => lockChain(tx, organizationId),
  };
}

export async function verifyAuditChain(db: Executor, organizationId: string): Promise<ChainCheck> {
  return checkChain(await chainRows(db, organizationId));
}

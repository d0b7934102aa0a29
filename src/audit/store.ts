// Every SQL statement on the audit log: the per-chain lock, the chain's last hash, the append and
// the read of a whole chain. Talks to the database only.
import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { rows } from '../db/rows.js';
import { auditLog } from '../db/schema/index.js';
import type { AuditContent, AuditRow } from './chain.js';

const CHAIN_LOCK = 727_002;

const chainOf = (organizationId: string | null) =>
  organizationId ? eq(auditLog.organizationId, organizationId) : isNull(auditLog.organizationId);

/** Serialises appends to one chain until the transaction ends. */
export async function lockChain(tx: Executor, organizationId: string | null) {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK}, hashtext(${organizationId ?? 'global'}))`);
}

/**
 * The chain's last hash. A raw statement like lockChain's, so the two, started one after the other
 * without waiting, leave in that order on the transaction's connection: PostgreSQL runs the read
 * once the lock is granted, on a snapshot taken then.
 */
export async function lastHash(tx: Executor, organizationId: string | null): Promise<string | undefined> {
  const [last] = await rows<{ hash: string }>(
    tx,
    sql`select ${auditLog.hash} as hash from ${auditLog} where ${chainOf(organizationId)} order by ${auditLog.seq} desc limit 1`,
  );
  return last?.hash;
}

export async function insertAuditRow(tx: Executor, row: AuditContent & { prevHash: string; hash: string }) {
  await tx.insert(auditLog).values(row);
}

export const chainRows = (db: Executor, organizationId: string): Promise<AuditRow[]> =>
  db.select().from(auditLog).where(chainOf(organizationId)).orderBy(asc(auditLog.seq));

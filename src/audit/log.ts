// Writes audit rows, inside the caller's transaction so the record and the change commit together,
// chained per organisation: each row's hash covers its content and the previous row's hash.
import { createHash } from 'node:crypto';
import { asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { PgAsyncTransaction } from 'drizzle-orm/pg-core/async';
import type { Executor } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';

/** Who did it and from where; taken from the request at the edge. */
export interface Actor {
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  organizationId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

type AuditRow = typeof auditLog.$inferSelect;

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 727_002;

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function rowHash(prevHash: string, row: Omit<AuditRow, 'id' | 'seq' | 'prevHash' | 'hash'>): string {
  const content = stable({ ...row, createdAt: row.createdAt.toISOString() });
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

const chainOf = (organizationId: string | null) =>
  organizationId ? eq(auditLog.organizationId, organizationId) : isNull(auditLog.organizationId);

export async function recordAudit(db: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  const organizationId = entry.organizationId ?? null;
  const append = async (tx: Executor) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK}, hashtext(${organizationId ?? 'global'}))`);
    const [last] = await tx
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .where(chainOf(organizationId))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row = {
      organizationId,
      actorId: actor.userId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      data: entry.data ?? {},
      ip: actor.ip,
      userAgent: actor.userAgent,
      createdAt: new Date(),
    };
    await tx.insert(auditLog).values({ ...row, prevHash, hash: rowHash(prevHash, row) });
  };
  // The lock serialises appends to one chain until commit: the caller's transaction, or one of its own.
  await (db instanceof PgAsyncTransaction ? append(db) : db.transaction(append));
}

export interface ChainCheck {
  valid: boolean;
  checked: number;
  /** The first row whose hash does not follow from its content and its predecessor. */
  firstBrokenId: string | null;
}

export async function verifyAuditChain(db: Executor, organizationId: string): Promise<ChainCheck> {
  const rows = await db.select().from(auditLog).where(chainOf(organizationId)).orderBy(asc(auditLog.seq));
  let prevHash = GENESIS_HASH;
  for (const [index, row] of rows.entries()) {
    const { id: _id, seq: _seq, prevHash: storedPrev, hash, ...content } = row;
    if (storedPrev !== prevHash || rowHash(prevHash, content) !== hash) {
      return { valid: false, checked: index, firstBrokenId: row.id };
    }
    prevHash = hash;
  }
  return { valid: true, checked: rows.length, firstBrokenId: null };
}

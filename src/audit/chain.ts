// The audit chain's rule, apart from its storage: each row's hash covers its content and the
// previous row's hash, so changing, removing or inserting a row breaks every hash after it.
import { createHash } from 'node:crypto';
import type { auditLog } from '../db/schema/index.js';
import { canonicalJson } from '../lib/canonicalJson.js';

export type AuditRow = typeof auditLog.$inferSelect;
/** What a row's hash covers. */
export type AuditContent = Omit<AuditRow, 'id' | 'seq' | 'prevHash' | 'hash'>;

export const GENESIS_HASH = '0'.repeat(64);

export function rowHash(prevHash: string, row: AuditContent): string {
  const content = canonicalJson({ ...row, createdAt: row.createdAt.toISOString() });
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

export interface ChainCheck {
  valid: boolean;
  checked: number;
  /** The first row whose hash does not follow from its content and its predecessor. */
  firstBrokenId: string | null;
}

/** Checks one organisation's rows, in sequence order. */
export function checkChain(rows: AuditRow[]): ChainCheck {
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

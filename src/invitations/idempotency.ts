// Idempotency keys: the first request with a key stores its result; the same key and input later
// replays it, other input is a conflict. Keys are per caller and operation and live 24 hours.
import { createHash } from 'node:crypto';
import { and, eq, lte } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { canonicalJson } from '../lib/canonicalJson.js';

export type Claim = { kind: 'new' } | { kind: 'replay'; result: Record<string, unknown> } | { kind: 'conflict' };

/** Same input, same hash: key order does not matter, nor does a field left undefined. */
export const requestHash = (input: unknown) => createHash('sha256').update(canonicalJson(input)).digest('hex');

/**
 * Claims `key` inside the caller's transaction. A concurrent request with the same key waits on
 * the insert until the first one commits (then replays) or rolls back (then claims it itself).
 */
export async function claimIdempotencyKey(
  tx: Tx,
  claim: { scope: string; key: string; hash: string; now: Date; ttlSeconds: number },
): Promise<Claim> {
  const where = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
  await tx.delete(idempotencyKeys).where(and(where, lte(idempotencyKeys.expiresAt, claim.now)));
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({
      scope: claim.scope,
      key: claim.key,
      requestHash: claim.hash,
      expiresAt: new Date(claim.now.getTime() + claim.ttlSeconds * 1000),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { kind: 'new' };
  const [existing] = await tx.select().from(idempotencyKeys).where(where);
  if (!existing || existing.requestHash !== claim.hash) return { kind: 'conflict' };
  return { kind: 'replay', result: existing.result ?? {} };
}

export async function storeIdempotentResult(tx: Tx, scope: string, key: string, result: Record<string, unknown>) {
  await tx
    .update(idempotencyKeys)
    .set({ result })
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

// Expiry written down: pending invitations past their expiry become EXPIRED rows, each with its
// timeline event and audit row, by the sweeper or before a new invitation needs the address.
// Talks to the store and the audit log.
import type { AuditLog } from '../audit/log.js';
import type { Executor } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { ok } from '../lib/errors.js';
import type { ChangeLog, Changes } from './changes.js';
import { appendEvent, expireLapsed } from './store.js';

const NOBODY = { userId: null, ip: null, userAgent: null };

export function createExpiry({ clock, changes, audit }: { clock: Clock; changes: Changes; audit: AuditLog }) {
  /** Records EXPIRED for lapsed rows to one address (but `exceptId`), or everywhere; says how many. */
  async function expireRows(
    executor: Executor,
    log: ChangeLog,
    scope?: { organizationId: string; email: string; exceptId?: string },
  ): Promise<number> {
    const now = clock.now();
    const expired = await expireLapsed(executor, now, scope);
    for (const row of expired) {
      await appendEvent(executor, log, row, {
        type: 'EXPIRED',
        at: clock.now(),
        data: { expiresAt: row.expiresAt.toISOString() },
      });
      await audit.record(executor, NOBODY, {
        organizationId: row.organizationId,
        action: 'invitation.expired',
        targetType: 'Invitation',
        targetId: row.id,
        data: { before: { status: 'PENDING' }, after: { status: 'EXPIRED' } },
      });
    }
    return expired.length;
  }

  return {
    expireRows,

    /** Writes EXPIRED, with its event and audit row, for every pending invitation past its expiry. */
    async sweepExpired(): Promise<number> {
      const result = await changes.changing(async (tx, log) => ok(await expireRows(tx, log)));
      return result.ok ? result.value : 0;
    },
  };
}

export type Expiry = ReturnType<typeof createExpiry>;

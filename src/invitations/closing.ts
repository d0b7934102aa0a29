// Ending a pending invitation on someone's word with an optional reason (a cancel, a decline):
// the row, its timeline event and its audit row. Talks to the store and the audit log.
import type { Actor, AuditLog } from '../audit/log.js';
import type { Tx } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { ChangeLog } from './changes.js';
import { appendEvent, closeInvitation, type Invitation } from './store.js';

const ENDINGS = {
  CANCELLED: 'invitation.cancelled',
  DECLINED: 'invitation.declined',
} as const;

export function createClosing({ clock, audit }: { clock: Clock; audit: AuditLog }) {
  return {
    /** `by` is who the timeline names (null: an anonymous decline); `actor` is who the audit row names. */
    async close(
      tx: Tx,
      log: ChangeLog,
      pending: Invitation,
      end: { status: keyof typeof ENDINGS; by: string | null; actor: Actor; reason?: string | null },
    ): Promise<Invitation> {
      const invitation = await closeInvitation(tx, pending.id, { status: end.status, at: clock.now() });
      await appendEvent(tx, log, invitation, {
        type: end.status,
        at: clock.now(),
        actorId: end.by,
        data: end.reason ? { reason: end.reason } : {},
      });
      await audit.record(tx, end.actor, {
        organizationId: invitation.organizationId,
        action: ENDINGS[end.status],
        targetType: 'Invitation',
        targetId: invitation.id,
        data: { before: { status: 'PENDING' }, after: { status: end.status, reason: end.reason ?? null } },
      });
      return invitation;
    },
  };
}

export type Closing = ReturnType<typeof createClosing>;

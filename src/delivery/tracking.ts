// Opt-in engagement tracking (EMAIL_TRACKING_ENABLED): an open pixel and a click redirect per
// delivery attempt. A GET records engagement and never consumes the invitation's token.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { deliveryAttempts, invitations } from '../db/schema/index.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import { effectiveStatus } from '../invitations/status.js';
import type { Clock } from '../lib/clock.js';
import { isUuid } from '../lib/uuid.js';
import type { Sealer } from './sealing.js';
import { recordEngagement } from './transitions.js';

/** A transparent 1×1 GIF. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function createTracker(deps: { db: Db; clock: Clock; events: EventBus; sealer: Sealer }) {
  const { db, clock, events, sealer } = deps;

  /** Records the engagement; gives the attempt and its invitation as they were. */
  async function record(attemptId: string, type: 'OPENED' | 'CLICKED') {
    if (!isUuid(attemptId)) return undefined;
    const log: InvitationChange[] = [];
    const found = await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ attempt: deliveryAttempts, invitation: invitations })
        .from(deliveryAttempts)
        .innerJoin(invitations, eq(invitations.id, deliveryAttempts.invitationId))
        .where(eq(deliveryAttempts.id, attemptId))
        .for('update', { of: invitations });
      if (row) await recordEngagement(tx, log, row.invitation, type, clock.now());
      return row;
    });
    for (const change of log) events.publishChange(change);
    return found;
  }

  return {
    async opened(attemptId: string): Promise<void> {
      await record(attemptId, 'OPENED');
    },
    /** Where a click goes: the accept link while it is live, else nowhere (null). */
    async clicked(attemptId: string): Promise<string | null> {
      const found = await record(attemptId, 'CLICKED');
      if (!found?.attempt.sealedLink) return null;
      const live =
        effectiveStatus(found.invitation, clock.now()) === 'PENDING' &&
        found.invitation.attempts === found.attempt.attempt;
      return live ? sealer.open(found.attempt.sealedLink) : null;
    },
  };
}

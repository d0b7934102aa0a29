// Opt-in engagement tracking (EMAIL_TRACKING_ENABLED): an open pixel and a click redirect per
// delivery attempt. A GET records engagement and never consumes the invitation's token.
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import { type ChangeFollower, createChanges } from '../invitations/changes.js';
import { effectiveStatus } from '../invitations/status.js';
import type { Clock } from '../lib/clock.js';
import { isUuid } from '../lib/uuid.js';
import type { Sealer } from './sealing.js';
import { attemptWithInvitation } from './store.js';
import { recordEngagement } from './transitions.js';

/** A transparent 1×1 GIF. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function createTracker(deps: {
  db: Db;
  clock: Clock;
  events: EventBus;
  sealer: Sealer;
  follower: ChangeFollower;
}) {
  const { clock, sealer } = deps;
  const changes = createChanges(deps);

  /** Records the engagement; gives the attempt and its invitation as they were. */
  async function record(attemptId: string, type: 'OPENED' | 'CLICKED') {
    if (!isUuid(attemptId)) return undefined;
    return changes.committed(async (tx, log) => {
      const row = await attemptWithInvitation(tx, attemptId);
      if (row) await recordEngagement(tx, log, row.invitation, type, clock.now());
      return row;
    });
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

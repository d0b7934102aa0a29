// Withdrawing: an owner or admin cancels a pending invitation, with its timeline event and audit
// row; its link stops working and a queued email finds itself superseded. Talks to the policy
// (who may manage it) and the closing of pending invitations.
import type { Clock } from '../lib/clock.js';
import { fail, type NotFoundError, ok, type Result } from '../lib/errors.js';
import type { Changes } from './changes.js';
import type { Closing } from './closing.js';
import { InvitationNotPendingError } from './errors.js';
import type { SignedInActor } from './issuing.js';
import { managedInvitation } from './policy.js';
import { effectiveStatus } from './status.js';
import type { Invitation } from './store.js';

export function createWithdrawing({ clock, changes, closing }: { clock: Clock; changes: Changes; closing: Closing }) {
  return {
    async cancel(
      input: { invitationId: string; reason?: string | null },
      actor: SignedInActor,
    ): Promise<Result<Invitation, NotFoundError | InvitationNotPendingError>> {
      return changes.changing<Invitation, NotFoundError | InvitationNotPendingError>(async (tx, log) => {
        const found = await managedInvitation(tx, input.invitationId, actor);
        if (!found.ok) return found;
        const { invitation } = found.value;
        const status = effectiveStatus(invitation, clock.now());
        if (status !== 'PENDING') return fail(new InvitationNotPendingError(status));
        return ok(
          await closing.close(tx, log, invitation, {
            status: 'CANCELLED',
            by: actor.userId,
            actor,
            reason: input.reason,
          }),
        );
      });
    },
  };
}

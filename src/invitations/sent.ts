// What a send or a resend answers: the invitation with its link, an idempotent replay of it, or
// the pending invitation that won a race to the same address. Talks to the store.
import type { Executor } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { fail, NotFoundError, ok, type Result } from '../lib/errors.js';
import { PendingInvitationExistsError } from './errors.js';
import { type Invitation, invitationById, pendingTo } from './store.js';

export interface Sent {
  invitation: Invitation;
  /** Holds the secret token: given once per token, null when an idempotent replay answers. */
  inviteUrl: string | null;
  replayed: boolean;
}

/** An idempotent repeat: the invitation as it stands now, without a link. */
export async function replayed(executor: Executor, invitationId: string): Promise<Result<Sent, NotFoundError>> {
  const invitation = await invitationById(executor, invitationId);
  if (!invitation) return fail(new NotFoundError('Invitation'));
  return ok({ invitation, inviteUrl: null, replayed: true });
}

/**
 * The unique index on pending invitations let another request through first: name its
 * invitation, so a client can offer to resend it. Any other error is not ours to answer.
 */
export async function pendingConflict(
  executor: Executor,
  now: Date,
  error: unknown,
  address: { organizationId: string; email: string },
): Promise<Result<never, PendingInvitationExistsError>> {
  if (!isUniqueViolation(error)) throw error;
  const pending = await pendingTo(executor, address.organizationId, address.email, now);
  if (!pending) throw error;
  return fail(new PendingInvitationExistsError(pending.id));
}

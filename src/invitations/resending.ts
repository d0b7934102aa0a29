import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import {
  fail,
  type InvalidInputError,
  type NotFoundError,
  ok,
  type Result,
  type RoleNotAllowedError,
} from '../lib/errors.js';
import { newSecretToken } from '../lib/secretTokens.js';
import type { ChangeLog } from './changes.js';
import {
  CustomMessagesDisabledError,
  type IdempotencyConflictError,
  InvitationNotPendingError,
  type PendingInvitationExistsError,
  type PermissionNotHeldError,
  type RateLimitedError,
  ResendCooldownError,
  type ResendLimitError,
} from './errors.js';
import type { SendingDeps, SignedInActor } from './issuing.js';
import { expiryDays, expiryRefusal, grantRefusal, managedInvitation, type PolicyConfig } from './policy.js';
import { pendingConflict, replayed, type Sent } from './sent.js';
import { effectiveStatus } from './status.js';
import { appendEvent, type Invitation, invitationById, reissueInvitation } from './store.js';
import { inviteUrl } from './tokens.js';

export interface ResendInput {
  invitationId: string;
  message?: string | null;
  expiresInDays?: number | null;
}

/** Every refusal of a resend. */
export type ResendError =
  | NotFoundError
  | RoleNotAllowedError
  | PermissionNotHeldError
  | InvitationNotPendingError
  | ResendCooldownError
  | CustomMessagesDisabledError
  | InvalidInputError
  | ResendLimitError
  | RateLimitedError
  | IdempotencyConflictError
  | PendingInvitationExistsError;

export type ResendingConfig = PolicyConfig & Pick<Config, 'INVITE_URL_TEMPLATE' | 'RESEND_COOLDOWN_SECONDS'>;

const DAY_MS = 86_400_000;

export function createResending(deps: SendingDeps & { config: ResendingConfig }) {
  const { db, clock, config, limits, idempotency, outbox, proofs, expiry, audit } = deps;

  /** What refuses resending `before` now, before anything is counted. */
  function refusal(before: Invitation, input: ResendInput, now: Date) {
    const status = effectiveStatus(before, now);
    if (status !== 'PENDING' && status !== 'EXPIRED') return new InvitationNotPendingError(status);
    const cooldownEnds = before.lastSentAt.getTime() + config.RESEND_COOLDOWN_SECONDS * 1000;
    if (cooldownEnds > now.getTime()) return new ResendCooldownError(Math.ceil((cooldownEnds - now.getTime()) / 1000));
    if (input.message && !config.CUSTOM_MESSAGES_ENABLED) return new CustomMessagesDisabledError();
    return expiryRefusal(expiryDays(input.expiresInDays, config), config);
  }

  /** The resend itself, every check passed: a new token, its email, event and audit row. */
  async function reissue(
    tx: Tx,
    log: ChangeLog,
    before: Invitation,
    request: { input: ResendInput; actor: SignedInActor; now: Date },
  ): Promise<Sent> {
    const { input, actor, now } = request;
    const status = effectiveStatus(before, now);
    // Reviving an expired invitation: older ones to this address that have expired too step aside.
    await expiry.expireRows(tx, log, {
      organizationId: before.organizationId,
      email: before.email,
      exceptId: before.id,
    });
    const token = newSecretToken();
    const invitation = await reissueInvitation(tx, before.id, {
      tokenSelector: token.selector,
      tokenVerifierHash: token.verifierHash,
      now,
      expiresAt: new Date(now.getTime() + expiryDays(input.expiresInDays, config) * DAY_MS),
      message: input.message,
    });
    const link = inviteUrl(config.INVITE_URL_TEMPLATE, token.token);
    // Only the email carries the mailbox proof.
    await outbox.queue(tx, invitation, proofs.mailboxLink(link, token.token), actor.requestId);
    await appendEvent(tx, log, invitation, {
      type: 'RESENT',
      at: clock.now(),
      actorId: actor.userId,
      data: { attempt: invitation.attempts },
    });
    await audit.record(tx, actor, {
      organizationId: invitation.organizationId,
      action: 'invitation.resent',
      targetType: 'Invitation',
      targetId: invitation.id,
      data: {
        before: { status, attempts: before.attempts, expiresAt: before.expiresAt.toISOString() },
        after: { status: 'PENDING', attempts: invitation.attempts, expiresAt: invitation.expiresAt.toISOString() },
      },
    });
    return { invitation, inviteUrl: link, replayed: false };
  }

  return {
    async resend(
      input: ResendInput,
      actor: SignedInActor,
      idempotencyKey?: string | null,
    ): Promise<Result<Sent, ResendError>> {
      return idempotency
        .once(
          { actor, operation: 'resendInvitation', key: idempotencyKey, input },
          async (tx, log): Promise<Result<Sent, Exclude<ResendError, IdempotencyConflictError>>> => {
            const found = await managedInvitation(tx, input.invitationId, actor);
            if (!found.ok) return found;
            const { invitation, manager } = found.value;
            const now = clock.now();
            // A resend shows a new link: the resender must be able to grant what it grants, now.
            const refused = grantRefusal(manager, invitation) ?? refusal(invitation, input, now);
            if (refused) return fail(refused);
            const capped = await limits.countResend(tx, invitation.organizationId, invitation.email);
            if (capped) return fail(capped);
            const limited = await limits.countSend(tx, invitation.organizationId, actor.userId);
            if (limited) return fail(limited);
            return ok(await reissue(tx, log, invitation, { input, actor, now }));
          },
          replayed,
        )
        .catch(async (error: unknown) => {
          // Reviving an expired invitation while a newer one is pending to the same address.
          const row = await invitationById(db, input.invitationId);
          if (!row) throw error;
          return pendingConflict(db, clock.now(), error, row);
        });
    },
  };
}

// Sending one validated attempt, independently of every other: a short transaction checks it
// (still this worker's, the invitation pending, the attempt its newest) and renews its lease; the
// SMTP conversation holds no row and no transaction; a second short transaction records the
// outcome. So a hung conversation delays no other email and blocks no cancel or resend.
// Talks to the delivery store, the mailer, the sealer (the link) and the transitions.
//
// Guarantees:
// - A cancel or resend that COMMITTED before the check wins: nothing is sent (SUPERSEDED), and
//   only the newest link is ever mailed.
// - A cancel or resend that commits DURING the conversation does not stop it: the email may leave
//   with a link that no longer works (the accept page says the invitation was cancelled, or the
//   link was replaced). The attempt is recorded SENT; the invitation's delivery status moves only
//   while the attempt is still its newest.
// - The lease (renewed at the check for DELIVERY_LEASE_SECONDS) keeps other workers off the
//   attempt; a conversation outliving it (SMTP_TIMEOUT_MS bounds each of its steps) may be sent
//   twice by the worker that takes it over: at-least-once, as after a crash.
import { setTimeout as pause } from 'node:timers/promises';
import { SpanKind } from '@opentelemetry/api';
import type { Config } from '../config.js';
import { isDatabaseUnavailable } from '../db/availability.js';
import type { Changes } from '../invitations/changes.js';
import type { Invitation } from '../invitations/store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { inSpan, linksTo } from '../lib/tracing.js';
import { attemptLogger } from './attemptLog.js';
import type { Finishing } from './finishing.js';
import type { Mailer } from './mailer.js';
import { composeInvitationMail } from './message.js';
import { isPermanent, refusalText, replyCode } from './replies.js';
import { isCurrent, type Ready } from './screening.js';
import type { Sealer } from './sealing.js';
import { lockForSending, renewLease } from './store.js';
import { recordDeliveryStatus } from './transitions.js';

export type SendingConfig = Pick<
  Config,
  'MAIL_FROM' | 'EMAIL_TRACKING_ENABLED' | 'publicUrl' | 'DELIVERY_LEASE_SECONDS'
>;

/** The check failed (the database went away): nothing was mailed, so the attempt may be given back. */
export class SendNotBegunError extends Error {
  constructor(readonly reason: unknown) {
    super(`send not begun: ${String(reason)}`);
  }
}

type Outcome = { kind: 'sent'; messageId: string } | { kind: 'refused'; error: unknown };

export function createSending(deps: {
  clock: Clock;
  config: SendingConfig;
  mailer: Mailer;
  sealer: Sealer;
  changes: Changes;
  finishing: Finishing;
  logger: Logger;
  workerId: string;
}) {
  const { clock, config, mailer, sealer, changes, finishing, logger, workerId } = deps;

  /** Checks the attempt holding its rows briefly; gives what to mail, or nothing when it must not go. */
  function check(ready: Ready) {
    const { attempt } = ready;
    return changes.committed(async (tx) => {
      const [locked] = await lockForSending(tx, [attempt.id], workerId);
      if (locked?.mine.state !== 'SENDING') return undefined; // the lease went to another worker
      const { invitation, mine } = locked;
      if (!isCurrent(invitation, attempt, clock.now()) || !mine.sealedLink) {
        await finishing.finishAll(tx, [attempt], 'SUPERSEDED');
        return undefined;
      }
      await renewLease(
        tx,
        attempt.id,
        workerId,
        new Date(clock.now().getTime() + config.DELIVERY_LEASE_SECONDS * 1000),
      );
      return { invitation, sealedLink: mine.sealedLink, tries: mine.tries };
    });
  }

  /** The SMTP conversation: no transaction is open and no row is held while it lasts. */
  async function converse(ready: Ready, invitation: Invitation, sealedLink: string): Promise<Outcome> {
    const { attempt, organizationName, inviterName } = ready;
    const messageId = `<${attempt.id}@invitation-api>`;
    try {
      await mailer.send(
        composeInvitationMail({
          from: config.MAIL_FROM,
          to: invitation.email,
          messageId,
          organizationName,
          inviterName,
          role: invitation.role,
          message: invitation.message,
          link: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/c/${attempt.id}` : sealer.open(sealedLink),
          trackingPixel: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/o/${attempt.id}` : null,
          expiresAt: invitation.expiresAt,
        }),
      );
      return { kind: 'sent', messageId };
    } catch (error) {
      return { kind: 'refused', error };
    }
  }

  /** Records the outcome on the rows as they are now, which a cancel or resend may have changed meanwhile. */
  function record(ready: Ready, tries: number, outcome: Outcome, lines: Logger) {
    const { attempt } = ready;
    return changes.committed(async (tx, log) => {
      const [locked] = await lockForSending(tx, [attempt.id], workerId);
      if (locked?.mine.state !== 'SENDING') {
        lines.warn('delivery lease lost during the conversation', { outcome: outcome.kind });
        return;
      }
      const { invitation } = locked;
      const newest = invitation.attempts === attempt.attempt;
      if (outcome.kind === 'sent') {
        const { messageId } = outcome;
        await Promise.all([
          finishing.finishAll(tx, [attempt], 'SENT', { messageIds: new Map([[attempt.id, messageId]]) }),
          newest ? recordDeliveryStatus(tx, log, invitation, 'SENT', clock.now(), { messageId }) : undefined,
        ]);
        return;
      }
      // Refused after a cancel or resend: nothing is left to retry.
      if (!isCurrent(invitation, attempt, clock.now())) {
        await finishing.finishAll(tx, [attempt], 'SUPERSEDED', { set: { lastError: refusalText(outcome.error) } });
        return;
      }
      await finishing.refused(tx, log, {
        attempt,
        invitation,
        tries,
        error: refusalText(outcome.error),
        permanent: isPermanent(outcome.error),
        responseCode: replyCode(outcome.error),
      });
    });
  }

  /**
   * Records the outcome of a conversation that took place, again while the database is away and
   * the lease holds: once mailed, an attempt left unrecorded would be mailed again by whoever takes
   * it over.
   */
  async function recordSurely(ready: Ready, tries: number, outcome: Outcome, leaseEnds: number, lines: Logger) {
    for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
      try {
        return await record(ready, tries, outcome, lines);
      } catch (error) {
        if (!isDatabaseUnavailable(error) || clock.now().getTime() + wait >= leaseEnds) throw error;
        await pause(wait);
      }
    }
  }

  /**
   * Checks, sends and records one attempt; rejects only when the database does, with
   * SendNotBegunError when that was before the conversation.
   */
  function send(ready: Ready): Promise<void> {
    const { attempt } = ready;
    // A trace of its own, linked to the request that queued it; its statements are its children.
    return inSpan(
      'delivery attempt',
      {
        root: true,
        kind: SpanKind.CONSUMER,
        links: linksTo(attempt.traceparent),
        attributes: { 'delivery.attempt': attempt.id, 'delivery.invitation': attempt.invitationId },
      },
      () => sendNow(ready),
    );
  }

  async function sendNow(ready: Ready): Promise<void> {
    const lines = attemptLogger(logger, ready.attempt);
    const checkedAt = clock.now().getTime();
    let go: Awaited<ReturnType<typeof check>>;
    try {
      go = await check(ready);
    } catch (error) {
      throw new SendNotBegunError(error);
    }
    if (!go) return;
    const outcome = await converse(ready, go.invitation, go.sealedLink);
    await recordSurely(ready, go.tries, outcome, checkedAt + config.DELIVERY_LEASE_SECONDS * 1000, lines);
    if (outcome.kind === 'sent') {
      lines.info('invitation email sent', { tries: go.tries, durationMs: clock.now().getTime() - checkedAt });
    }
  }

  return { send };
}

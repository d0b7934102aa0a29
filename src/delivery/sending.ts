// Sending a group of validated attempts: up to DELIVERY_CONCURRENCY emails at once, in one
// transaction that holds their invitation and attempt rows, then their outcomes recorded together.
// Talks to the delivery store, the mailer, the sealer (the link) and the transitions.
import type { Config } from '../config.js';
import type { Changes } from '../invitations/changes.js';
import type { Invitation } from '../invitations/store.js';
import type { Clock } from '../lib/clock.js';
import type { Finishing, Refusal } from './finishing.js';
import type { Mailer } from './mailer.js';
import { composeInvitationMail } from './message.js';
import { isCurrent, type Ready } from './screening.js';
import type { Sealer } from './sealing.js';
import { type Attempt, type Locked, lockForSending } from './store.js';
import { recordDeliveryStatuses } from './transitions.js';

export type SendingConfig = Pick<Config, 'MAIL_FROM' | 'EMAIL_TRACKING_ENABLED' | 'publicUrl'>;

type Outcome =
  | { kind: 'lost' }
  | { kind: 'superseded'; attempt: Attempt }
  | { kind: 'sent'; attempt: Attempt; invitation: Invitation; messageId: string }
  | ({ kind: 'refused' } & Refusal);

export function createSending(deps: {
  clock: Clock;
  config: SendingConfig;
  mailer: Mailer;
  sealer: Sealer;
  changes: Changes;
  finishing: Finishing;
  workerId: string;
}) {
  const { clock, config, mailer, sealer, changes, finishing, workerId } = deps;

  async function sendOne(ready: Ready, locked: Locked | undefined): Promise<Outcome> {
    const { attempt, organizationName, inviterName } = ready;
    if (locked?.mine.state !== 'SENDING') return { kind: 'lost' }; // the lease went to another worker
    const { invitation, mine } = locked;
    if (!isCurrent(invitation, attempt, clock.now()) || !mine.sealedLink) return { kind: 'superseded', attempt };
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
          link: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/c/${attempt.id}` : sealer.open(mine.sealedLink),
          trackingPixel: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/o/${attempt.id}` : null,
          expiresAt: invitation.expiresAt,
        }),
      );
      return { kind: 'sent', attempt, invitation, messageId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'refused', attempt, invitation, tries: mine.tries, error: message };
    }
  }

  /**
   * Holding the invitation rows means a cancel or resend waits for the sends, so no email leaves
   * after a cancel committed and only the newest link is ever mailed; holding the attempt rows, no
   * lease takeover claims one mid-send. The writes wait until every send is done: they take the
   * organization's rollup lock, which no send may hold.
   */
  async function sendGroup(group: Ready[], sendsDone: () => void) {
    await changes.committed(async (tx, log) => {
      const held = await lockForSending(
        tx,
        group.map((r) => r.attempt.id),
        workerId,
      );
      const locked = new Map(held.map((l) => [l.mine.id, l]));
      const outcomes = await Promise.all(group.map((ready) => sendOne(ready, locked.get(ready.attempt.id))));
      sendsDone();
      const sent = outcomes.flatMap((o) => (o.kind === 'sent' ? [o] : []));
      const messageIds = new Map(sent.map((o) => [o.invitation.id, o.messageId]));
      await Promise.all([
        finishing.finishAll(
          tx,
          outcomes.flatMap((o) => (o.kind === 'superseded' ? [o.attempt] : [])),
          'SUPERSEDED',
        ),
        finishing.finishAll(
          tx,
          sent.map((o) => o.attempt),
          'SENT',
          { messageIds: new Map(sent.map((o) => [o.attempt.id, o.messageId])) },
        ),
        recordDeliveryStatuses(
          tx,
          log,
          sent.map((o) => o.invitation),
          'SENT',
          clock.now(),
          (invitation) => ({ messageId: messageIds.get(invitation.id) }),
        ),
        ...outcomes.flatMap((o) => (o.kind === 'refused' ? [finishing.refused(tx, log, o)] : [])),
      ]);
    });
  }

  return { sendGroup };
}

// The delivery side of the invitations' outbox port: an attempt row, its link sealed, committed in
// the transaction that issues the invitation, with the request id and the trace context of the
// request queueing it (for the attempt's log lines and span). Talks to the delivery store.
import type { Outbox } from '../invitations/outbox.js';
import type { Clock } from '../lib/clock.js';
import { currentTraceparent } from '../lib/tracing.js';
import type { Sealer } from './sealing.js';
import { insertAttempt } from './store.js';

export function createOutbox({ clock, sealer }: { clock: Clock; sealer: Sealer }): Outbox {
  return {
    async queue(tx, invitation, link, requestId) {
      await insertAttempt(tx, {
        invitationId: invitation.id,
        organizationId: invitation.organizationId,
        attempt: invitation.attempts,
        sealedLink: sealer.seal(link),
        availableAt: clock.now(),
        createdAt: clock.now(),
        requestId: requestId ?? null,
        traceparent: currentTraceparent(),
      });
    },
  };
}

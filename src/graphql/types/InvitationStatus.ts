import type { InvitationStatus as Status } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const InvitationStatus = builder.enumType('InvitationStatus', {
  description: 'Where an invitation stands. A pending invitation past its expiry reads as EXPIRED at once.',
  values: {
    PENDING: { description: 'Sent and open: its link can be accepted or declined.' },
    ACCEPTED: { description: 'The person joined the organization.' },
    DECLINED: { description: 'The person said no.' },
    CANCELLED: { description: 'Withdrawn by the organization.' },
    EXPIRED: { description: 'Its link ran out before anyone answered; resend to try again.' },
  } satisfies Record<Status, { description: string }>,
});

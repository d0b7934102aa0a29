import type { DeliveryStatus as Status } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const DeliveryStatus = builder.enumType('DeliveryStatus', {
  description:
    'How the latest email of an invitation is doing: VALIDATING → SENDING → SENT → DELIVERED, or one of the endings BOUNCED, FAILED, REJECTED.',
  values: {
    VALIDATING: { description: 'Queued; the address and the organization’s policy are being checked.' },
    SENDING: { description: 'Being handed to the mail server (retried with backoff when it is unavailable).' },
    SENT: { description: 'The mail server took it.' },
    DELIVERED: { description: 'The mail provider reported it delivered to the mailbox.' },
    BOUNCED: { description: 'The mail provider reported it bounced.' },
    FAILED: { description: 'Given up after every retry; the timeline says why.' },
    REJECTED: {
      description:
        'Not sent: the address is suppressed (an earlier hard bounce or complaint) or its domain is blocked.',
    },
  } satisfies Record<Status, { description: string }>,
});

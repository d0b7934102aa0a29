import type { InvitationEventType as EventType } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const InvitationEventType = builder.enumType('InvitationEventType', {
  description: 'What happened to an invitation.',
  values: {
    CREATED: { description: 'It was sent for the first time.' },
    RESENT: { description: 'It was sent again with a new link.' },
    CANCELLED: { description: 'The organization withdrew it.' },
    ACCEPTED: { description: 'The person accepted and joined.' },
    DECLINED: { description: 'The person declined.' },
    EXPIRED: { description: 'Its link ran out (recorded by the sweeper, within a minute of expiry).' },
    DELIVERY_STATUS_CHANGED: { description: 'Its email moved on: data holds the new delivery status and why.' },
    DELIVERY_DEFERRED: { description: 'The mail provider delayed the email and will retry.' },
    OPENED: { description: 'Its email was opened for the first time (with tracking on).' },
    CLICKED: { description: 'Its link was followed from the email for the first time (with tracking on).' },
  } satisfies Record<EventType, { description: string }>,
});

export const InvitationEvent = builder.drizzleNode('invitationEvents', {
  name: 'InvitationEvent',
  description: 'One step in an invitation’s history; never changed once recorded.',
  id: { column: (event) => event.id },
  fields: (t) => ({
    type: t.expose('type', { type: InvitationEventType, description: 'What happened.' }),
    data: t.field({
      type: 'JSONObject',
      description: 'Details, e.g. a cancel or decline reason, or the new delivery status.',
      resolve: (event) => event.data as Record<string, unknown>,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it happened.' }),
    actor: t.relation('actor', {
      nullable: true,
      description: 'Who did it; null for the system (delivery, expiry) or an account that is gone.',
    }),
    invitation: t.relation('invitation', { description: 'The invitation it happened to.' }),
  }),
});

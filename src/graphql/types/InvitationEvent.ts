import { invitationEventTypes } from '../../db/schema/index.js';
import { builder } from '../builder.js';

export const InvitationEventType = builder.enumType('InvitationEventType', { values: invitationEventTypes });

export const InvitationEvent = builder.drizzleObject('invitationEvents', {
  name: 'InvitationEvent',
  description: 'One step in an invitation’s history',
  fields: (t) => ({
    type: t.expose('type', { type: InvitationEventType }),
    data: t.expose('data', { type: 'JSON', description: 'Details, e.g. a cancel or decline reason' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    actor: t.relation('actor', { nullable: true }),
  }),
});

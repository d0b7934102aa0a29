import { type WebhookEventType as EventType, webhookEventTypes } from '../../db/schema/index.js';
import { builder } from '../builder.js';

const descriptions: Record<EventType, string> = {
  'invitation.created': 'An invitation was sent (its first email queued).',
  'invitation.resent': 'An invitation was sent again, with a new link.',
  'invitation.delivery_status_changed':
    'An invitation’s email moved on: SENDING, SENT, DELIVERED, BOUNCED, FAILED or REJECTED.',
  'invitation.delivery_deferred': 'An invitation’s email was refused for now and will be retried.',
  'invitation.opened': 'The invitation email was opened (with email tracking on).',
  'invitation.clicked': 'The invitation email’s link was followed (with email tracking on).',
  'invitation.accepted': 'The invitee accepted.',
  'invitation.declined': 'The invitee declined.',
  'invitation.cancelled': 'The invitation was withdrawn.',
  'invitation.expired': 'The invitation expired unanswered.',
  'member.joined': 'Someone joined the organization by accepting an invitation.',
  'member.role_changed': 'A member’s role changed.',
  'member.removed': 'A member was removed.',
  'webhook_endpoint.disabled': 'One of the organization’s endpoints was disabled after failing for too long.',
};

/** The GraphQL name of each payload `type`: invitation.created is INVITATION_CREATED. */
export const WebhookEventType = builder.enumType('WebhookEventType', {
  description:
    'What a webhook tells of; the payload’s `type` is the lower-case dotted form, e.g. INVITATION_CREATED is "invitation.created".',
  values: Object.fromEntries(
    webhookEventTypes.map((type) => [
      type.toUpperCase().replace('.', '_'),
      { value: type, description: descriptions[type] },
    ]),
  ) as Record<string, { value: EventType; description: string }>,
});

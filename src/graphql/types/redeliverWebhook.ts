import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { WebhookDelivery } from './WebhookEndpoint.js';

const RedeliverWebhookInput = builder.inputType('RedeliverWebhookInput', {
  description: 'The delivery to send again.',
  fields: (t) => ({
    deliveryId: t.globalID({ required: true, for: WebhookDelivery, description: 'The delivery.' }),
  }),
});

const RedeliverWebhookPayload = builder
  .objectRef<typeof WebhookDelivery.$inferType>('RedeliverWebhookPayload')
  .implement({
    description: 'The delivery, queued again.',
    fields: (t) => ({ delivery: t.field({ type: WebhookDelivery, description: 'The delivery.', resolve: (d) => d }) }),
  });

const errors = fieldErrors({ input: true, id: true }, NotFoundError, RoleNotAllowedError);

builder.mutationField('redeliverWebhook', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RedeliverWebhookPayload,
    nullable: true,
    description:
      'Queues a delivery again at once with a fresh retry schedule (same webhook-id and body, new timestamp and signature). A delivery in flight is left to finish. Owners and admins.',
    args: { input: t.arg({ type: RedeliverWebhookInput, required: true, description: 'The delivery.' }) },
    errors: errors.union('The delivery, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.webhooks.redeliver({ deliveryId: input.deliveryId.id }, ctx.actor)),
  }),
);

import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { WebhookUrlRefusedError } from '../../webhooks/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { webhookDescription, webhookUrl } from './createWebhookEndpoint.js';
import { WebhookEndpoint } from './WebhookEndpoint.js';
import { WebhookEventType } from './WebhookEventType.js';

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  description: 'What to change; omitted fields stay as they are.',
  fields: (t) => ({
    endpointId: t.globalID({ required: true, for: WebhookEndpoint, description: 'The endpoint.' }),
    url: t.string({ validate: webhookUrl, description: 'A new URL, checked as on creation.' }),
    eventTypes: t.field({ type: [WebhookEventType], description: 'Replaces the list; empty: every type.' }),
    description: t.string({ validate: webhookDescription, description: 'A new description.' }),
    enabled: t.boolean({
      description: 'Enable or disable; enabling a disabled endpoint resumes its waiting deliveries.',
    }),
  }),
});

const UpdateWebhookEndpointPayload = builder
  .objectRef<typeof WebhookEndpoint.$inferType>('UpdateWebhookEndpointPayload')
  .implement({
    description: 'The endpoint as it now stands.',
    fields: (t) => ({ endpoint: t.field({ type: WebhookEndpoint, description: 'The endpoint.', resolve: (e) => e }) }),
  });

const errors = fieldErrors({ input: true, id: true }, NotFoundError, RoleNotAllowedError, WebhookUrlRefusedError);

builder.mutationField('updateWebhookEndpoint', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: UpdateWebhookEndpointPayload,
    nullable: true,
    description: 'Changes a webhook endpoint. Owners and admins of its organization.',
    args: { input: t.arg({ type: UpdateWebhookEndpointInput, required: true, description: 'The changes.' }) },
    errors: errors.union('The endpoint, or why it was refused (nothing was changed).'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(
        await ctx.services.webhooks.update(
          {
            endpointId: input.endpointId.id,
            url: input.url ?? undefined,
            description: input.description === undefined ? undefined : input.description,
            eventTypes: input.eventTypes,
            enabled: input.enabled,
          },
          ctx.actor,
        ),
      ),
  }),
);

import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import type { Endpoint } from '../../webhooks/store.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { fieldErrors } from '../result.js';
import { WebhookEndpoint } from './WebhookEndpoint.js';

const DeleteWebhookEndpointInput = builder.inputType('DeleteWebhookEndpointInput', {
  description: 'The endpoint to delete.',
  fields: (t) => ({
    endpointId: t.globalID({ required: true, for: WebhookEndpoint, description: 'The endpoint.' }),
  }),
});

const DeleteWebhookEndpointPayload = builder.objectRef<Endpoint>('DeleteWebhookEndpointPayload').implement({
  description: 'The id the deleted endpoint had.',
  fields: (t) => ({
    deletedEndpointId: t.id({ description: 'Its id.', resolve: (e) => encodeGlobalID('WebhookEndpoint', e.id) }),
  }),
});

const errors = fieldErrors({ input: true, id: true }, NotFoundError, RoleNotAllowedError);

builder.mutationField('deleteWebhookEndpoint', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: DeleteWebhookEndpointPayload,
    nullable: true,
    description: 'Deletes a webhook endpoint with its deliveries; nothing more is sent to it. Owners and admins.',
    args: { input: t.arg({ type: DeleteWebhookEndpointInput, required: true, description: 'The endpoint.' }) },
    errors: errors.union('The deleted endpoint’s id, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.webhooks.remove({ endpointId: input.endpointId.id }, ctx.actor)),
  }),
);

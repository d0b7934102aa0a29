import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { endpointWithSecret } from './createWebhookEndpoint.js';
import { WebhookEndpoint } from './WebhookEndpoint.js';

const RotateWebhookEndpointSecretInput = builder.inputType('RotateWebhookEndpointSecretInput', {
  description: 'Whose secret to replace.',
  fields: (t) => ({
    endpointId: t.globalID({ required: true, for: WebhookEndpoint, description: 'The endpoint.' }),
  }),
});

const RotateWebhookEndpointSecretPayload = endpointWithSecret('RotateWebhookEndpointSecretPayload');

const errors = fieldErrors({ input: true, id: true }, NotFoundError, RoleNotAllowedError);

builder.mutationField('rotateWebhookEndpointSecret', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RotateWebhookEndpointSecretPayload,
    nullable: true,
    description:
      'Replaces an endpoint’s signing secret and answers the new one, once; every request from now on is signed with it. Owners and admins.',
    args: {
      input: t.arg({ type: RotateWebhookEndpointSecretInput, required: true, description: 'The endpoint.' }),
    },
    errors: errors.union('The endpoint with its new secret, or why it was refused.'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(await ctx.services.webhooks.rotateSecret({ endpointId: input.endpointId.id }, ctx.actor)),
  }),
);

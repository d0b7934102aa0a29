import { z } from 'zod';
import { NotFoundError, RoleNotAllowedError } from '../../lib/errors.js';
import { TooManyWebhookEndpointsError, WebhookUrlRefusedError } from '../../webhooks/errors.js';
import type { Endpoint } from '../../webhooks/store.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { Organization } from './Organization.js';
import { WebhookEndpoint } from './WebhookEndpoint.js';
import { WebhookEventType } from './WebhookEventType.js';

export const webhookUrl = z.string().trim().max(2000, 'At most 2000 characters').pipe(z.url('An absolute URL'));
export const webhookDescription = z.string().trim().max(500, 'At most 500 characters');

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  description: 'A new webhook endpoint.',
  fields: (t) => ({
    organizationId: t.globalID({ required: true, for: Organization, description: 'The organization.' }),
    url: t.string({
      required: true,
      validate: webhookUrl,
      description: 'Where to POST: https (http only outside production or with ALLOW_LOCAL_WEBHOOK_URLS).',
    }),
    eventTypes: t.field({
      type: [WebhookEventType],
      description: 'The event types wanted; omitted or empty: every type, including those added later.',
    }),
    description: t.string({ validate: webhookDescription, description: 'What it is for, at most 500 characters.' }),
    enabled: t.boolean({ description: 'Whether it receives webhooks at once (default true).' }),
  }),
});

export const endpointWithSecret = (name: string) =>
  builder.objectRef<{ endpoint: Endpoint; secret: string }>(name).implement({
    description: 'An endpoint and its signing secret, shown this once.',
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpoint, description: 'The endpoint.', resolve: (p) => p.endpoint }),
      secret: t.exposeString('secret', {
        description: 'The signing secret (whsec_…, Standard Webhooks): store it now, it is never shown again.',
      }),
    }),
  });

const CreateWebhookEndpointPayload = endpointWithSecret('CreateWebhookEndpointPayload');

const errors = fieldErrors(
  { input: true, id: true },
  NotFoundError,
  RoleNotAllowedError,
  WebhookUrlRefusedError,
  TooManyWebhookEndpointsError,
);

builder.mutationField('createWebhookEndpoint', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: CreateWebhookEndpointPayload,
    nullable: true,
    description:
      'Adds a webhook endpoint to an organization and answers its signing secret, once. Owners and admins; the URL must resolve to a public address.',
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true, description: 'The endpoint.' }) },
    errors: errors.union('The endpoint with its secret, or why it was refused (nothing was saved).'),
    resolve: async (_root, { input }, ctx) =>
      errors.unwrap(
        await ctx.services.webhooks.create(
          {
            organizationId: input.organizationId.id,
            url: input.url,
            description: input.description,
            eventTypes: input.eventTypes,
            enabled: input.enabled,
          },
          ctx.actor,
        ),
      ),
  }),
);

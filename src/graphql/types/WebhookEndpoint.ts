import type { webhookDeliveryStates } from '../../db/schema/index.js';
import { builder } from '../builder.js';
import { WebhookEventType } from './WebhookEventType.js';

export const WebhookDeliveryState = builder.enumType('WebhookDeliveryState', {
  description: 'Where a webhook delivery stands.',
  values: {
    QUEUED: { description: 'Waiting for its first request.' },
    SENDING: { description: 'A request is in flight.' },
    RETRY: { description: 'Failed; tried again at nextAttemptAt.' },
    SUCCEEDED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every try of the retry schedule failed; redeliver to try again.' },
  } satisfies Record<(typeof webhookDeliveryStates)[number], { description: string }>,
});

export const WebhookAttemptOutcome = builder.enumType('WebhookAttemptOutcome', {
  description: 'How one request ended.',
  values: {
    SUCCEEDED: { description: 'A 2xx answer.' },
    FAILED: { description: 'Any other answer (a 3xx too: redirects are not followed).' },
    ERROR: { description: 'No answer: refused address, connection failure or timeout.' },
  } as const,
});

export const WebhookAttempt = builder.drizzleObject('webhookAttempts', {
  name: 'WebhookAttempt',
  description: 'One request made for a delivery.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The attempt’s own id (not a node id).' }),
    outcome: t.expose('outcome', { type: WebhookAttemptOutcome, description: 'How it ended.' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'The HTTP status; null without an answer.' }),
    durationMs: t.exposeInt('durationMs', { description: 'From connecting to the end of the answer read, in ms.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed, when it did.' }),
    responseExcerpt: t.exposeString('responseExcerpt', {
      nullable: true,
      description: 'The start of the answer’s body (at most WEBHOOK_RESPONSE_EXCERPT_BYTES).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the request began.' }),
  }),
});

export const WebhookMessage = builder.drizzleObject('webhookMessages', {
  name: 'WebhookMessage',
  description: 'One event as sent to every endpoint that wants it, with the same id and body on every try.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'The `webhook-id` header: the same on every retry and every endpoint (not a node id).',
    }),
    type: t.expose('type', { type: WebhookEventType, description: 'What it tells of.' }),
    sequence: t.exposeInt('seq', { description: 'The payload’s data.sequence: increases with every message.' }),
    data: t.field({
      type: 'JSONObject',
      description: 'The payload’s data, without sequence.',
      resolve: (message) => message.data,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'The payload’s timestamp.' }),
  }),
});

export const WebhookDelivery = builder.drizzleNode('webhookDeliveries', {
  name: 'WebhookDelivery',
  description: 'One message to one endpoint, retried on the schedule until it succeeds or fails for good.',
  id: { column: (delivery) => delivery.id },
  fields: (t) => ({
    state: t.expose('state', { type: WebhookDeliveryState, description: 'Where it stands.' }),
    tries: t.exposeInt('tries', {
      description: 'Requests made in the current schedule (a redelivery starts a new one).',
    }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next request is due; null once it has ended.',
      resolve: (d) => (d.state === 'QUEUED' || d.state === 'RETRY' ? d.availableAt : null),
    }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last request failed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was queued, with the change.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it ended.' }),
    message: t.relation('message', { description: 'What it carries.' }),
    attempts: t.relation('attempts', {
      description: 'Every request made for it, oldest first.',
      query: { orderBy: { createdAt: 'asc' } },
    }),
  }),
});

export const WebhookEndpoint = builder.drizzleNode('webhookEndpoints', {
  name: 'WebhookEndpoint',
  description:
    'A URL of the organization’s that receives signed webhooks (Standard Webhooks). Its secret is shown only when created or rotated.',
  id: { column: (endpoint) => endpoint.id },
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where the webhooks are POSTed.' }),
    description: t.exposeString('description', { nullable: true, description: 'What it is for, for people.' }),
    eventTypes: t.field({
      type: [WebhookEventType],
      description: 'The event types it receives; empty means every type, including those added later.',
      resolve: (endpoint) => endpoint.eventTypes,
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether it receives webhooks now.' }),
    disabledAt: t.expose('disabledAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the sender disabled it after failing for WEBHOOK_DISABLE_AFTER_HOURS; null otherwise.',
    }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'Why the sender disabled it.' }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'Since when every request has failed; null after a success.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
    deliveries: t.relation('deliveries', {
      description: 'Its deliveries, newest first.',
      args: { first: t.arg.int({ description: 'How many, at most 100 (default 20).' }) },
      query: (args) => ({
        orderBy: { createdAt: 'desc', id: 'desc' },
        limit: Math.max(1, Math.min(args.first ?? 20, 100)),
      }),
    }),
  }),
});

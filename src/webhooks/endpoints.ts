// Managing an organisation's webhook endpoints: create, update, rotate the secret, delete, list,
// read deliveries, redeliver. Owners and admins only, checked in the transaction of each call
// (auth/policy); another organisation's ids read as missing. The signing secret is returned on
// creation and rotation only, and stored sealed. Every change writes an audit row. Talks to the
// webhooks store, the audit log, the sealer and (for URL checks) DNS.
import type { Actor } from '../audit/log.js';
import { createAuditLog } from '../audit/log.js';
import { canManage } from '../auth/policy.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import type { WebhookEventType } from '../db/schema/index.js';
import { transactionResult } from '../db/transaction.js';
import type { Sealer } from '../delivery/sealing.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { fail, NotFoundError, ok, type Result, RoleNotAllowedError } from '../lib/errors.js';
import { TooManyWebhookEndpointsError, type WebhookUrlRefusedError } from './errors.js';
import { newSecret } from './signing.js';
import {
  countEndpoints,
  type Delivery,
  deleteEndpoint,
  type Endpoint,
  insertEndpoint,
  lockDelivery,
  lockEndpoint,
  requeueDelivery,
  roleIn,
  updateEndpoint,
} from './store.js';
import { type UrlRules, urlRefusal } from './urls.js';

export type WebhookConfig = Pick<
  Config,
  'production' | 'ALLOW_LOCAL_WEBHOOK_URLS' | 'WEBHOOK_ENDPOINTS_PER_ORGANIZATION'
>;

export type ManageError = NotFoundError | RoleNotAllowedError;
export type SaveError = ManageError | WebhookUrlRefusedError;

export interface EndpointInput {
  url: string;
  description?: string | null;
  eventTypes?: WebhookEventType[] | null;
  enabled?: boolean | null;
}

type SignedIn = Actor & { userId: string };

export const urlRules = (config: WebhookConfig): UrlRules => ({
  allowLocal: config.ALLOW_LOCAL_WEBHOOK_URLS,
  httpsOnly: config.production && !config.ALLOW_LOCAL_WEBHOOK_URLS,
});

export function createWebhookEndpoints(deps: {
  db: Db;
  clock: Clock;
  config: WebhookConfig;
  sealer: Sealer;
  events: EventBus;
}) {
  const { db, clock, config, sealer, events } = deps;
  const audit = createAuditLog({ clock });
  const rules = urlRules(config);

  /** The actor must manage the organisation: a non-member sees it as missing, a member is refused. */
  async function mayManage(tx: Tx, organizationId: string, actor: SignedIn): Promise<ManageError | undefined> {
    const role = await roleIn(tx, organizationId, actor.userId);
    if (!role) return new NotFoundError('Organization');
    if (!canManage(role)) return new RoleNotAllowedError('Only owners and admins manage webhook endpoints');
    return undefined;
  }

  /** The endpoint, locked, when the actor manages its organisation; missing to everyone else. */
  async function managed(tx: Tx, endpointId: string, actor: SignedIn): Promise<Result<Endpoint, ManageError>> {
    const endpoint = await lockEndpoint(tx, endpointId);
    if (!endpoint) return fail(new NotFoundError('WebhookEndpoint'));
    const refusal = await mayManage(tx, endpoint.organizationId, actor);
    if (refusal) return fail(refusal instanceof NotFoundError ? new NotFoundError('WebhookEndpoint') : refusal);
    return ok(endpoint);
  }

  const record = (tx: Tx, actor: SignedIn, endpoint: Endpoint, action: string, data: Record<string, unknown> = {}) =>
    audit.record(tx, actor, {
      organizationId: endpoint.organizationId,
      action,
      targetType: 'WebhookEndpoint',
      targetId: endpoint.id,
      data,
    });

  const shown = (e: Endpoint) => ({
    url: e.url,
    eventTypes: e.eventTypes,
    enabled: e.enabled,
    description: e.description,
  });

  return {
    async create(
      input: EndpointInput & { organizationId: string },
      actor: SignedIn,
    ): Promise<Result<{ endpoint: Endpoint; secret: string }, SaveError | TooManyWebhookEndpointsError>> {
      // DNS first, outside the transaction: a slow resolver holds no lock.
      const refused = await urlRefusal(input.url, rules);
      type Created = Result<{ endpoint: Endpoint; secret: string }, SaveError | TooManyWebhookEndpointsError>;
      return transactionResult(db, async (tx): Promise<Created> => {
        const refusal = await mayManage(tx, input.organizationId, actor);
        if (refusal) return fail(refusal);
        if (refused) return fail(refused);
        if ((await countEndpoints(tx, input.organizationId)) >= config.WEBHOOK_ENDPOINTS_PER_ORGANIZATION) {
          return fail(new TooManyWebhookEndpointsError(config.WEBHOOK_ENDPOINTS_PER_ORGANIZATION));
        }
        const secret = newSecret();
        const now = clock.now();
        const endpoint = await insertEndpoint(tx, {
          organizationId: input.organizationId,
          url: input.url,
          description: input.description ?? null,
          eventTypes: [...new Set(input.eventTypes ?? [])],
          enabled: input.enabled ?? true,
          sealedSecret: sealer.seal(secret),
          createdAt: now,
          updatedAt: now,
        });
        await record(tx, actor, endpoint, 'webhook_endpoint.created', { after: shown(endpoint) });
        return ok({ endpoint, secret });
      });
    },

    async update(
      input: Partial<EndpointInput> & { endpointId: string },
      actor: SignedIn,
    ): Promise<Result<Endpoint, SaveError>> {
      const refused = input.url != null ? await urlRefusal(input.url, rules) : undefined;
      const result = await transactionResult(db, async (tx): Promise<Result<Endpoint, SaveError>> => {
        const found = await managed(tx, input.endpointId, actor);
        if (!found.ok) return found;
        if (refused) return fail(refused);
        const before = found.value;
        const enabling = input.enabled === true && !before.enabled;
        const after = await updateEndpoint(tx, before.id, {
          ...(input.url != null ? { url: input.url } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.eventTypes != null ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
          ...(input.enabled != null ? { enabled: input.enabled } : {}),
          // Enabled again by hand: the failure window starts afresh.
          ...(enabling ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
          updatedAt: clock.now(),
        });
        await record(tx, actor, after, 'webhook_endpoint.updated', { before: shown(before), after: shown(after) });
        return ok(after);
      });
      // Enabled again: its waiting deliveries are due now.
      if (result.ok && input.enabled === true) events.deliveryQueued();
      return result;
    },

    async rotateSecret(
      input: { endpointId: string },
      actor: SignedIn,
    ): Promise<Result<{ endpoint: Endpoint; secret: string }, ManageError>> {
      return transactionResult(db, async (tx) => {
        const found = await managed(tx, input.endpointId, actor);
        if (!found.ok) return found;
        const secret = newSecret();
        const endpoint = await updateEndpoint(tx, found.value.id, {
          sealedSecret: sealer.seal(secret),
          updatedAt: clock.now(),
        });
        await record(tx, actor, endpoint, 'webhook_endpoint.secret_rotated');
        return ok({ endpoint, secret });
      });
    },

    async remove(input: { endpointId: string }, actor: SignedIn): Promise<Result<Endpoint, ManageError>> {
      return transactionResult(db, async (tx) => {
        const found = await managed(tx, input.endpointId, actor);
        if (!found.ok) return found;
        // A delete conflicts with the KEY SHARE of a transaction queueing deliveries, which holds
        // the audit chain: take the chain first, as that one did.
        await audit.lockChain(tx, found.value.organizationId);
        await deleteEndpoint(tx, found.value.id);
        await record(tx, actor, found.value, 'webhook_endpoint.deleted', { before: shown(found.value) });
        return ok(found.value);
      });
    },

    /** Queues one delivery again, with a fresh retry schedule; a delivery being sent now is left to finish. */
    async redeliver(input: { deliveryId: string }, actor: SignedIn): Promise<Result<Delivery, ManageError>> {
      const result = await transactionResult(db, async (tx): Promise<Result<Delivery, ManageError>> => {
        const delivery = await lockDelivery(tx, input.deliveryId);
        if (!delivery) return fail(new NotFoundError('WebhookDelivery'));
        const found = await managed(tx, delivery.endpointId, actor);
        if (!found.ok)
          return fail(found.error instanceof NotFoundError ? new NotFoundError('WebhookDelivery') : found.error);
        const requeued = delivery.state === 'SENDING' ? delivery : await requeueDelivery(tx, delivery.id, clock.now());
        await record(tx, actor, found.value, 'webhook_delivery.redelivered', { deliveryId: delivery.id });
        return ok(requeued);
      });
      if (result.ok) events.deliveryQueued();
      return result;
    },
  };
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>;

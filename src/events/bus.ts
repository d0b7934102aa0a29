// Typed events between the services, the delivery worker and the subscriptions: in process by
// default, through Redis (so every instance sees every event) when REDIS_URL is set.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { DeliveryStatus, InvitationEventType, InvitationStatus } from '../db/schema/index.js';

/** Something happened to an invitation, and where it stood right after. */
export interface InvitationChange {
  invitationId: string;
  organizationId: string;
  type: InvitationEventType;
  status: InvitationStatus;
  deliveryStatus: DeliveryStatus;
  at: string;
}

type Topics = {
  'invitation:changed': [invitationId: string, change: InvitationChange];
  'organization:changed': [organizationId: string, change: InvitationChange];
  /** A delivery attempt was queued: workers wake up instead of waiting for their next poll. */
  'delivery:queued': [];
};

export interface EventBus {
  publishChange(change: InvitationChange): void;
  deliveryQueued(): void;
  invitationChanges(invitationId: string): AsyncIterable<InvitationChange>;
  organizationChanges(organizationId: string): AsyncIterable<InvitationChange>;
  deliveriesQueued(): AsyncIterable<undefined>;
  close(): Promise<void>;
}

export function createEventBus(options: { redisUrl?: string }): EventBus {
  const clients = options.redisUrl
    ? [new Redis(options.redisUrl, { lazyConnect: false }), new Redis(options.redisUrl, { lazyConnect: false })]
    : [];
  const [publishClient, subscribeClient] = clients;
  const pubsub = createPubSub<Topics>(
    publishClient && subscribeClient ? { eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) } : {},
  );
  return {
    publishChange(change) {
      pubsub.publish('invitation:changed', change.invitationId, change);
      pubsub.publish('organization:changed', change.organizationId, change);
    },
    deliveryQueued: () => pubsub.publish('delivery:queued'),
    invitationChanges: (invitationId) => pubsub.subscribe('invitation:changed', invitationId),
    organizationChanges: (organizationId) => pubsub.subscribe('organization:changed', organizationId),
    deliveriesQueued: () => pubsub.subscribe('delivery:queued') as AsyncIterable<undefined>,
    async close() {
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}

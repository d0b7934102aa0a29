// Typed events between the services, the delivery worker and the subscriptions: in process by
// default, through Redis (so every instance sees every event) when REDIS_URL is set. With Redis,
// this instance's subscribers get its own events in process first, so they never depend on Redis;
// after Redis was away the bus calls its resync listeners (see redisTarget.ts).
import { createPubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import type { DeliveryStatus, InvitationEventType, InvitationStatus } from '../db/schema/index.js';
import type { Logger } from '../lib/logger.js';
import { createRedisTarget } from './redisTarget.js';

/** Something happened to an invitation, and where it stood right after. */
export interface InvitationChange {
  /** The timeline event's sequence number: increasing, unique across organisations. */
  seq: number;
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
  /**
   * Resolves once at least `count` followers of the organisation's changes listen on this
   * instance (with Redis, once the server has confirmed the channel): a change published after it
   * reaches them. For callers that must not publish before a subscription is live.
   */
  organizationFollowed(organizationId: string, count?: number): Promise<void>;
  /**
   * Calls `listener` whenever events published on other instances may have been missed (Redis was
   * away and is back); returns how to stop. Never called without Redis.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}

type Target = PubSubEventTarget<Topics>;

/**
 * The event target with a count of live listeners per topic. A listener counts once `confirm`
 * (the transport's acknowledgement of the topic) has resolved after it was added.
 */
function countingListeners(target: Target, confirm: (topic: string) => Promise<unknown>) {
  const live = new Map<string, number>();
  const waiters = new Set<{ topic: string; count: number; resolve: () => void }>();
  const settle = () => {
    for (const waiter of waiters) {
      if ((live.get(waiter.topic) ?? 0) < waiter.count) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  };
  /** Per listener, whether it counts yet (confirmed) or was removed before its confirmation. */
  const states = new Map<unknown, { topic: string; confirmed: boolean }>();
  const add = (topic: string, delta: number) => live.set(topic, Math.max(0, (live.get(topic) ?? 0) + delta));
  const counted: Target = {
    addEventListener(topic, listener) {
      target.addEventListener(topic, listener);
      const state = { topic, confirmed: false };
      states.set(listener, state);
      void confirm(topic).then(
        () => {
          if (states.get(listener) !== state) return;
          state.confirmed = true;
          add(topic, 1);
          settle();
        },
        // Without the confirmation the listener never counts; the transport logs its own outage.
        () => {},
      );
    },
    removeEventListener(topic, listener) {
      target.removeEventListener(topic, listener);
      if (states.get(listener)?.confirmed) add(topic, -1);
      states.delete(listener);
    },
    dispatchEvent: (event) => target.dispatchEvent(event),
  };
  return {
    target: counted,
    listening: (topic: string, count: number) =>
      (live.get(topic) ?? 0) >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.add({ topic, count, resolve })),
  };
}

export function createEventBus(options: { redisUrl?: string; reconnectMaxMs?: number; logger?: Logger }): EventBus {
  const resyncListeners = new Set<() => void>();
  const resync = () => {
    for (const listener of [...resyncListeners]) listener();
  };
  const redis = options.redisUrl
    ? createRedisTarget({
        url: options.redisUrl,
        reconnectMaxMs: options.reconnectMaxMs ?? 2000,
        logger: options.logger,
        onResync: resync,
      })
    : undefined;
  const { target, listening } = redis
    ? // Subscribing again to a channel already subscribed changes nothing, and its reply comes
      // after the target's own SUBSCRIBE on the same connection: the channel is live.
      countingListeners(redis.target, redis.confirmed)
    : countingListeners(new EventTarget() as Target, () => Promise.resolve());
  const pubsub = createPubSub<Topics>({ eventTarget: target });
  return {
    publishChange(change) {
      pubsub.publish('invitation:changed', change.invitationId, change);
      pubsub.publish('organization:changed', change.organizationId, change);
    },
    deliveryQueued: () => pubsub.publish('delivery:queued'),
    invitationChanges: (invitationId) => pubsub.subscribe('invitation:changed', invitationId),
    organizationChanges: (organizationId) => pubsub.subscribe('organization:changed', organizationId),
    deliveriesQueued: () => pubsub.subscribe('delivery:queued') as AsyncIterable<undefined>,
    organizationFollowed: (organizationId, count = 1) => listening(`organization:changed:${organizationId}`, count),
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    async close() {
      resyncListeners.clear();
      await redis?.close();
    },
  };
}

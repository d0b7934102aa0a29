// The bus's event target when REDIS_URL is set: every event reaches this instance's listeners at
// once, in process, and every other instance through Redis. Redis may come and go without ending
// the process or this instance's deliveries: commands never wait in a queue that is later rejected
// wholesale (ioredis' MaxRetriesPerRequestError), a publish that fails is logged and dropped, the
// clients reconnect for ever, and once Redis is back `onResync` tells the bus that events of other
// instances may have been missed meanwhile (its subscribers replay them from the timeline).
// Talks to Redis only.
import { randomUUID } from 'node:crypto';
import type { PubSubEventTarget } from '@graphql-yoga/subscription';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../lib/logger.js';

export interface RedisTargetOptions {
  url: string;
  /** The longest wait between two reconnection attempts. */
  reconnectMaxMs: number;
  logger?: Logger;
  /** Events published elsewhere may have been lost: called once Redis is reachable again. */
  onResync: () => void;
}

/** Where an instance that failed to publish says so once it can again, so every instance replays. */
const RESYNC_CHANNEL = 'bus:resync';

/** Sent on a channel: who published it (its own listeners already have it) and the event's detail. */
interface Envelope {
  origin: string;
  detail?: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: the bus types its topics; the target carries any of them.
type Target = PubSubEventTarget<any>;

export function createRedisTarget(options: RedisTargetOptions) {
  const { logger } = options;
  const origin = randomUUID();
  const base: RedisOptions = {
    // Reconnect for ever, backing off up to the cap: an outage never ends the process.
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 10), options.reconnectMaxMs),
  };
  // A publish while Redis is away fails at once (and is dropped: the subscribers elsewhere replay
  // once it is back) instead of piling up in memory; one cut mid-flight is tried once more.
  const publisher = new Redis(options.url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // Subscriptions wait for Redis however long it is away: they are few, and must happen.
  const subscriber = new Redis(options.url, { ...base, enableOfflineQueue: true, maxRetriesPerRequest: null });

  const watch = (client: Redis, role: string, onBack: () => void) => {
    let down = false;
    const lost = (reason: string) => {
      if (down || closing) return;
      down = true;
      logger?.warn('Redis unreachable: events reach this instance only until it is back', { role, reason });
    };
    // Without a listener, ioredis prints every failed attempt; with one, each outage is logged once.
    client.on('error', (error: Error) => lost(error.message));
    client.on('close', () => lost('connection closed'));
    client.on('ready', () => {
      if (!down) return;
      down = false;
      logger?.info('Redis reachable again', { role });
      onBack();
    });
    return { markLost: () => lost('publish failed') };
  };

  let closing = false;
  let publishFailed = false;
  const publisherState = watch(publisher, 'publish', () => {
    if (!publishFailed) return;
    publishFailed = false;
    publish(RESYNC_CHANNEL, undefined);
  });
  watch(subscriber, 'subscribe', options.onResync);

  function publish(channel: string, detail: unknown) {
    const envelope: Envelope = { origin, detail };
    publisher.publish(channel, JSON.stringify(envelope)).catch(() => {
      publishFailed = true;
      publisherState.markLost();
    });
  }

  const local = new EventTarget();
  /** Listeners per channel on this instance: Redis is subscribed while there is one. */
  const listeners = new Map<string, number>();
  const ignore = () => {};

  subscriber.on('message', (channel: string, message: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === origin) return;
    if (channel === RESYNC_CHANNEL) options.onResync();
    else local.dispatchEvent(new CustomEvent(channel, { detail: envelope.detail }));
  });
  subscriber.subscribe(RESYNC_CHANNEL).catch(ignore);

  const target: Target = {
    addEventListener(topic, listener) {
      if (!listener) return;
      local.addEventListener(topic, listener as EventListener);
      const count = listeners.get(topic) ?? 0;
      listeners.set(topic, count + 1);
      if (count === 0) subscriber.subscribe(topic).catch(ignore);
    },
    removeEventListener(topic, listener) {
      if (!listener) return;
      local.removeEventListener(topic, listener as EventListener);
      const count = (listeners.get(topic) ?? 1) - 1;
      if (count > 0) listeners.set(topic, count);
      else {
        listeners.delete(topic);
        subscriber.unsubscribe(topic).catch(ignore);
      }
    },
    dispatchEvent(event) {
      // This instance's listeners first, whether Redis is there or not.
      local.dispatchEvent(new CustomEvent(event.type, { detail: (event as CustomEvent).detail }));
      publish(event.type, (event as CustomEvent).detail);
      return true;
    },
  };

  return {
    target,
    /** Resolves once Redis has confirmed the subscription to `topic` (waiting for it to be reachable). */
    confirmed: (topic: string) => subscriber.subscribe(topic),
    async close() {
      closing = true;
      await Promise.all(
        [publisher, subscriber].map(async (client) => {
          if (client.status === 'ready') {
            let timer: NodeJS.Timeout | undefined;
            const gaveUp = new Promise((resolve) => {
              timer = setTimeout(resolve, 1000);
            });
            await Promise.race([client.quit().catch(ignore), gaveUp]);
            clearTimeout(timer);
          }
          client.disconnect();
        }),
      );
    },
  };
}

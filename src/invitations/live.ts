// Live views for subscriptions: an invitation's current state then each change, and an
// organisation's stream of changes. The viewer's right to watch is checked again before every
// event, so a member removed mid-stream stops receiving. An organisation's feed listens to the bus
// once for all its subscribers on this instance: per event, one read of who may watch and one of
// the invitation (never cached), and one update object shared by every subscriber allowed to see
// it. The per-invitation feed batches its checks and reads per tick instead.
// A subscriber may resume after an event it saw (resume.ts): it joins the live feed first, holding
// what arrives, reads what it missed from the timeline, then takes the held events the timeline
// did not have. After the bus may have missed events (Redis was away), each organisation's feed
// replays the timeline after the last event it delivered, and each invitation's feed sends its
// current state again.
// Talks to the invitations store (who may watch: auth/policy's managers) and the event bus.
import DataLoader from 'dataloader';
import type { Db } from '../db/client.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { fail, ok, type Result } from '../lib/errors.js';
import {
  backlogAfter,
  CursorExpiredError,
  changeOf,
  checkResumable,
  FeedCursorInvalidError,
  type ResumeError,
  type ResumeLimits,
} from './resume.js';
import { effectiveStatus } from './status.js';
import {
  type Invitation,
  invitationsByIds,
  latestOrganizationSeq,
  managersAmong,
  organizationEventsAfter,
} from './store.js';

/**
 * Subscribers handed one event between two turns of the event loop. Handing it to thousands at
 * once starts all their executions together: each waits for all the others before it is written,
 * and the collector copies every one's half-built result.
 */
const DELIVERY_SLICE = 250;

/** The sequence numbers an organisation's feed remembers having delivered, so a replay repeats none. */
const REMEMBERED_EVENTS = 10_000;

/** Where a subscriber resumes: after the event `seq` of the organisation `organizationId`. */
export interface FeedPosition {
  organizationId: string;
  seq: number;
}

/** One event as every subscriber of the organisation sees it: built once, shared by all of them. */
export interface LiveUpdate {
  change: InvitationChange;
  /** `change.at`, parsed once. */
  at: Date;
  invitation: Invitation;
}

export function createLiveService({
  db,
  events,
  clock,
  resume,
}: {
  db: Db;
  events: EventBus;
  clock: Clock;
  resume: ResumeLimits;
}) {
  const invitationsById = new DataLoader<string, Invitation | undefined>(
    async (ids) => {
      const rows = await invitationsByIds(db, [...new Set(ids)]);
      return ids.map((id) => rows.find((row) => row.id === id));
    },
    { cache: false },
  );
  const byId = (id: string) => invitationsById.load(id);

  /** Owners and admins watch their organisation's invitations. Key: userId and organizationId. */
  const watchers = new DataLoader<`${string} ${string}`, boolean>(
    async (keys) => {
      const pairs = [...new Set(keys)].map((key) => key.split(' ') as [string, string]);
      const allowed = await managersAmong(
        db,
        [...new Set(pairs.map(([userId]) => userId))],
        [...new Set(pairs.map(([, organizationId]) => organizationId))],
      );
      return keys.map((key) => allowed.has(key));
    },
    { cache: false },
  );
  const mayWatch = (userId: string, organizationId: string) => watchers.load(`${userId} ${organizationId}`);

  const organizationFeeds = new Map<string, ReturnType<typeof openOrganizationFeed>>();
  /** Callers waiting for an organisation's feed to have `count` subscribers on this instance. */
  let joinWaiters: { organizationId: string; count: number; resolve: () => void }[] = [];
  const settleJoins = () => {
    const joined = (w: (typeof joinWaiters)[number]) => (organizationFeeds.get(w.organizationId)?.size ?? 0) >= w.count;
    for (const waiter of joinWaiters.filter(joined)) waiter.resolve();
    joinWaiters = joinWaiters.filter((w) => !joined(w));
  };

  /**
   * The bus subscription an organisation's subscribers on this instance share; closed when the
   * last one leaves. Events are handled one at a time, so each subscriber sees them in order.
   */
  function openOrganizationFeed(organizationId: string) {
    const subscribers = new Set<Subscriber>();
    /** Subscribers per user: the right-to-watch query asks about each user once. */
    const users = new Map<string, number>();
    const changes = events.organizationChanges(organizationId)[Symbol.asyncIterator]();
    let closed = false;
    /** Delivered (or known at opening) up to here: a replay reads the timeline after it. */
    const opened = latestOrganizationSeq(db, organizationId).catch(() => 0);
    let watermark = 0;
    const delivered = new Set<number>();
    const remember = (seq: number) => {
      if (delivered.has(seq)) return false;
      delivered.add(seq);
      if (delivered.size > REMEMBERED_EVENTS) delivered.delete(delivered.values().next().value as number);
      watermark = Math.max(watermark, seq);
      return true;
    };
    /** Live events and replays, one after the other: each subscriber sees them in order. */
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (job: () => Promise<void>) => {
      const run = queue.then(job);
      // A failed job fails its own caller; the ones after it still run.
      queue = run.catch(() => {});
      return run;
    };

    /**
     * Where the last replay (or the opening) left the feed complete. A replay reads from there, not
     * from the watermark: while Redis was away this instance's own events kept arriving and raised
     * the watermark past the other processes' events (a standalone worker's SENDING and SENT) that
     * never came; the remembered sequence numbers skip what was delivered.
     */
    let complete: number | undefined;
    async function replay() {
      watermark = Math.max(watermark, await opened);
      // Below the oldest remembered event a repeat could not be told apart: start there at the earliest.
      const forgotten = delivered.size >= REMEMBERED_EVENTS ? (delivered.values().next().value as number) - 1 : 0;
      let after = Math.max(complete ?? (await opened), forgotten);
      const upTo = watermark;
      for (;;) {
        const page = await organizationEventsAfter(db, organizationId, after, DELIVERY_SLICE);
        const current = await Promise.all(page.map((row) => byId(row.invitationId)));
        for (const [i, row] of page.entries()) {
          const invitation = current[i];
          after = row.seq;
          watermark = Math.max(watermark, row.seq);
          if (closed || !invitation || !remember(row.seq)) continue;
          await deliver(changeOf(row, invitation));
        }
        if (page.length < DELIVERY_SLICE) break;
      }
      complete = Math.max(upTo, after);
    }
    const stopResync = events.onResync(() => {
      // Without the replay its subscribers would have a gap: they end, and resume with their cursor.
      void enqueue(replay).catch((error: unknown) => {
        for (const subscriber of [...subscribers]) subscriber.end(error);
      });
    });

    const close = () => {
      if (closed) return;
      closed = true;
      stopResync();
      if (organizationFeeds.get(organizationId) === feed) organizationFeeds.delete(organizationId);
      void changes.return?.();
    };

    const leave = (subscriber: Subscriber) => {
      if (!subscribers.delete(subscriber)) return;
      const left = (users.get(subscriber.userId) ?? 1) - 1;
      if (left > 0) users.set(subscriber.userId, left);
      else users.delete(subscriber.userId);
      if (subscribers.size === 0) close();
    };

    async function deliver(change: InvitationChange) {
      // Those subscribed when the event is taken up; one who joins while it is read waits for the next.
      const audience = [...subscribers];
      if (audience.length === 0) return;
      let allowed: Set<string>;
      let invitation: Invitation | undefined;
      try {
        // One query each: the loaders batch what is asked in the same tick.
        const watching = [...users.keys()];
        const [may, found] = await Promise.all([
          Promise.all(watching.map((userId) => mayWatch(userId, organizationId))),
          byId(change.invitationId),
        ]);
        allowed = new Set(watching.filter((_, i) => may[i]));
        invitation = found?.organizationId === organizationId ? found : undefined;
      } catch (error) {
        for (const subscriber of audience) subscriber.end(error);
        return;
      }
      const update = invitation && { change, at: new Date(change.at), invitation };
      for (let i = 0; i < audience.length; i++) {
        if (i > 0 && i % DELIVERY_SLICE === 0) await new Promise(setImmediate);
        const subscriber = audience[i] as Subscriber;
        if (!allowed.has(subscriber.userId)) subscriber.end();
        else if (update) subscriber.push(update);
      }
    }

    /**
     * Delivers a live event after the organisation's earlier committed events it has not delivered
     * yet, read from the timeline: an event published by another process may overtake an earlier
     * one on the bus (a worker's SENDING, the CREATED of the instance that sent the invitation),
     * and each subscriber still sees them in order. The overtaken one, arriving later, is known.
     */
    async function deliverInOrder(change: InvitationChange) {
      if (delivered.has(change.seq)) return;
      watermark = Math.max(watermark, await opened);
      if (change.seq > watermark) {
        try {
          const page = await organizationEventsAfter(db, organizationId, watermark, DELIVERY_SLICE);
          const earlier = page.filter((row) => row.seq < change.seq && !delivered.has(row.seq));
          const current = await Promise.all(earlier.map((row) => byId(row.invitationId)));
          for (const [i, row] of earlier.entries()) {
            const invitation = current[i];
            if (closed || !invitation || !remember(row.seq)) continue;
            await deliver(changeOf(row, invitation));
          }
        } catch {
          // The timeline is out of reach: the event goes as it came.
        }
      }
      if (remember(change.seq)) await deliver(change);
    }

    void (async () => {
      let failure: { error: unknown } | undefined;
      try {
        for (let next = await changes.next(); !next.done; next = await changes.next()) {
          const change = next.value;
          await enqueue(() => deliverInOrder(change));
        }
      } catch (error) {
        failure = { error };
      }
      // The bus stopped (the app is closing, or it failed): so do the streams that depend on it.
      close();
      for (const subscriber of [...subscribers]) subscriber.end(failure?.error);
    })();

    const feed = {
      join(userId: string) {
        const { subscriber, stream, release } = subscriberStream(userId, leave);
        subscribers.add(subscriber);
        users.set(userId, (users.get(userId) ?? 0) + 1);
        settleJoins();
        return { stream, release };
      },
      get size() {
        return subscribers.size;
      },
    };
    return feed;
  }

  const isFinal = (invitation: Invitation) => effectiveStatus(invitation, clock.now()) !== 'PENDING';

  async function* statesOf(
    userId: string,
    invitationId: string,
    changes: AsyncIterator<InvitationChange>,
    resyncs: Resyncs,
  ): AsyncGenerator<Invitation> {
    // Listen before reading, so no change falls between the read and the subscription.
    let next = changes.next();
    try {
      let invitation = await byId(invitationId);
      if (!invitation) return;
      yield invitation;
      while (!isFinal(invitation)) {
        const signal = await Promise.race([next, resyncs.signal()]);
        if (signal === RESYNC) {
          resyncs.taken();
          // Changes may have been missed meanwhile: the state now, as at the start.
          if (!(await mayWatch(userId, invitation.organizationId))) return;
          const fresh = await byId(invitationId);
          if (!fresh) return;
          invitation = fresh;
          yield invitation;
          continue;
        }
        const { done, value: change } = signal;
        if (done) return;
        if (!(await mayWatch(userId, invitation.organizationId))) return;
        const fresh = await byId(invitationId);
        if (!fresh) return;
        // The statuses as of this change: a later change has its own message, so none is skipped.
        invitation = { ...fresh, status: change.status, deliveryStatus: change.deliveryStatus };
        yield invitation;
        next = changes.next();
      }
    } finally {
      resyncs.stop();
      await changes.return?.();
    }
  }

  return {
    mayWatch,

    /** The invitation `id` if `userId` may watch it. */
    async watchable(userId: string, id: string): Promise<Invitation | undefined> {
      const invitation = await byId(id);
      return invitation && (await mayWatch(userId, invitation.organizationId)) ? invitation : undefined;
    },

    /** The current state first, then the state after each change; ends once the invitation is final. */
    invitationStatus(userId: string, invitationId: string): AsyncIterableIterator<Invitation> {
      const changes = events.invitationChanges(invitationId)[Symbol.asyncIterator]();
      const states = statesOf(userId, invitationId, changes, resyncsOf(events));
      // A generator waiting for its next change takes return() only once that change comes, which
      // may be never: ending the bus stream first ends that wait, so a departed client leaves at once.
      const stream: AsyncIterableIterator<Invitation> = {
        next: () => states.next(),
        return: async () => {
          await changes.return?.();
          return states.return(undefined);
        },
        [Symbol.asyncIterator]: () => stream,
      };
      return stream;
    },

    /**
     * Resolves once `count` subscribers follow the organisation's events on this instance and the
     * bus subscription they share is live: an event published after it reaches each of them.
     * With `here`, once they joined: an event published on this instance reaches them (Redis or not).
     */
    async organizationWatched(organizationId: string, count = 1, here = false): Promise<void> {
      await new Promise<void>((resolve) => {
        joinWaiters.push({ organizationId, count, resolve });
        settleJoins();
      });
      if (!here) await events.organizationFollowed(organizationId);
    },

    /**
     * Every change in the organisation, with the invitation as it stands after it; with `after`,
     * first the changes since that event, from the timeline, in order, then the live ones.
     */
    async organizationEvents(
      userId: string,
      organizationId: string,
      after?: FeedPosition,
    ): Promise<Result<AsyncIterableIterator<LiveUpdate>, ResumeError>> {
      if (after) {
        if (after.organizationId !== organizationId) return fail(new FeedCursorInvalidError());
        const resumable = await checkResumable(db, clock, resume, organizationId, after.seq);
        if (!resumable.ok) return resumable;
      }
      let feed = organizationFeeds.get(organizationId);
      if (!feed) {
        feed = openOrganizationFeed(organizationId);
        organizationFeeds.set(organizationId, feed);
      }
      const { stream, release } = feed.join(userId);
      if (!after) {
        release([]);
        return ok(stream);
      }
      // Joined first, so what is committed from now on is held; then what came before.
      try {
        const rows = await backlogAfter(db, resume, organizationId, after.seq);
        if (!rows) {
          await stream.return?.();
          return fail(new CursorExpiredError());
        }
        const current = await Promise.all(rows.map((row) => byId(row.invitationId)));
        const missed: LiveUpdate[] = [];
        for (const [i, row] of rows.entries()) {
          const invitation = current[i];
          if (invitation?.organizationId !== organizationId) continue;
          const change = changeOf(row, invitation);
          missed.push({ change, at: new Date(change.at), invitation });
        }
        release(missed, new Set(rows.map((row) => row.seq)));
        return ok(stream);
      } catch (error) {
        await stream.return?.();
        throw error;
      }
    },
  };
}

const RESYNC = Symbol('resync');

/**
 * The bus's resync signals as something to wait for: `signal` resolves at the next resync since the
 * last `taken()` (at once when one came meanwhile); several before it is taken count once.
 */
interface Resyncs {
  signal(): Promise<typeof RESYNC>;
  taken(): void;
  stop(): void;
}

function resyncsOf(events: EventBus): Resyncs {
  let resolve: (value: typeof RESYNC) => void = () => {};
  let signal!: Promise<typeof RESYNC>;
  const arm = () => {
    signal = new Promise((r) => {
      resolve = r;
    });
  };
  arm();
  const stop = events.onResync(() => resolve(RESYNC));
  return { signal: () => signal, taken: arm, stop };
}

/** What an organisation's feed hands each of its subscribers. */
interface Subscriber {
  userId: string;
  push(update: LiveUpdate): void;
  /** Ends the stream after what is queued; with an error, instead of it. */
  end(error?: unknown): void;
}

/**
 * One subscriber's stream: the organisation's feed pushes, GraphQL pulls. Updates wait in order
 * until pulled; `return()` (the client unsubscribed) leaves the feed at once.
 */
function subscriberStream(userId: string, leave: (subscriber: Subscriber) => void) {
  const queued: LiveUpdate[] = [];
  /** Until released, pushed updates wait here: the backlog goes before them. */
  let held: LiveUpdate[] | undefined = [];
  let waiting: { resolve: (result: IteratorResult<LiveUpdate>) => void; reject: (error: unknown) => void } | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;
  const finished = (): IteratorResult<LiveUpdate> => ({ done: true, value: undefined });

  const subscriber: Subscriber = {
    userId,
    push(update) {
      if (ended) return;
      if (held) {
        held.push(update);
        return;
      }
      if (waiting) {
        const { resolve } = waiting;
        waiting = undefined;
        resolve({ done: false, value: update });
      } else {
        queued.push(update);
      }
    },
    end(error) {
      if (ended) return;
      ended = true;
      leave(subscriber);
      if (error !== undefined) {
        queued.length = 0;
        failure = { error };
      }
      if (waiting) {
        const { resolve, reject } = waiting;
        waiting = undefined;
        if (failure) reject(failure.error);
        else resolve(finished());
      }
    },
  };

  const stream: AsyncIterableIterator<LiveUpdate> = {
    next() {
      const value = queued.shift();
      if (value) return Promise.resolve({ done: false, value });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve(finished());
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return() {
      subscriber.end();
      queued.length = 0;
      failure = undefined;
      return Promise.resolve(finished());
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  /** Hands over `first`, then what was held except the events `first` already has. */
  const release = (first: LiveUpdate[], seen: Set<number> = new Set()) => {
    const waited = held ?? [];
    held = undefined;
    for (const update of [...first, ...waited.filter((u) => !seen.has(u.change.seq))]) subscriber.push(update);
  };
  return { subscriber, stream, release };
}
export type LiveService = ReturnType<typeof createLiveService>;

// The delivery worker: claims due outbox rows with a lease (FOR UPDATE SKIP LOCKED, so any number
// of workers share the queue), has them validated (screening.ts), and sends each on its own
// (sending.ts: check, conversation outside any transaction, record), at most DELIVERY_CONCURRENCY
// at once as a continuous pool: a hung conversation occupies one slot while the others keep
// flowing, and a pass claims only as many attempts as there are free slots, so no lease waits in
// a queue. On stop, and after a send failed for want of the database before any mail left, what
// it claimed but has not begun to send is given back at once (store.ts releaseClaims); the sends
// begun finish. Beside them, the account emails (accountEmails.ts), in a pool of their own, and
// any other outbox handed in (`beside`: webhooks out), each in its own pool. Wakes on queued
// deliveries, on a freed slot, or polls. Talks to the database, the mailer, the event bus and DNS.

import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { isDatabaseUnavailable } from '../db/availability.js';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import { type ChangeFollower, createChanges } from '../invitations/changes.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { createSlots } from '../lib/slots.js';
import { createAccountMailing } from './accountEmails.js';
import { attemptLogger } from './attemptLog.js';
import { createFinishing } from './finishing.js';
import type { Mailer } from './mailer.js';
import { createScreening, type Ready } from './screening.js';
import type { Sealer } from './sealing.js';
import { createSending, SendNotBegunError } from './sending.js';
import { type Attempt, claimDue, releaseClaims } from './store.js';

export { backoffMs } from './finishing.js';

export type WorkerConfig = Pick<
  Config,
  | 'MAIL_FROM'
  | 'DELIVERY_MAX_TRIES'
  | 'DELIVERY_BACKOFF_BASE_MS'
  | 'DELIVERY_BACKOFF_MAX_MS'
  | 'DELIVERY_LEASE_SECONDS'
  | 'DELIVERY_POLL_MS'
  | 'DELIVERY_BATCH_SIZE'
  | 'DELIVERY_CONCURRENCY'
  | 'MX_LOOKUP_ENABLED'
  | 'MX_LOOKUP_TIMEOUT_MS'
  | 'EMAIL_TRACKING_ENABLED'
  | 'publicUrl'
>;

/** Another outbox the worker drains beside the emails, in slots of its own. */
export interface OutboxDrain {
  /** Claims into its free slots and starts each send; `settled` when those sends are recorded. */
  fill(): Promise<{ handled: number; settled: Promise<unknown> }>;
  start(): void;
  /** Claims no more and gives back what it claimed but has not begun. */
  stop(): Promise<void>;
  /** Resolves once every send it started has ended. */
  idle(): Promise<void>;
}

/** Makes a drain for the worker `workerId`; it calls `wake` whenever one of its slots frees. */
export type OutboxDrainFactory = (wake: () => void, workerId: string) => OutboxDrain;

export interface DeliveryWorker {
  /**
   * Claims and processes what is due now; resolves, once the emails it claimed are sent and
   * recorded, with how many invitation attempts it handled. While some of its conversations hang
   * it keeps claiming into the free slots: only its own resolution waits for them.
   */
  runOnce(): Promise<number>;
  /** Claims due attempts without processing them: what a worker that dies right after does. */
  claim(): Promise<{ id: string }[]>;
  start(): void;
  stop(): Promise<void>;
  /**
   * Resolves when the started worker's current pass (the next one's when it is idle) has claimed
   * and its emails are recorded, with what it handled. A pass is the claiming: the started worker
   * begins the next one (on a wake-up, a freed slot or the poll) without waiting for the sends of
   * the last, so a pass that includes a hung conversation resolves late, later passes do not.
   */
  nextPass(): Promise<number>;
  /** When the started worker last finished a pass without failing (for /health). */
  lastPassAt(): Date | undefined;
}

export function createDeliveryWorker(deps: {
  db: Db;
  clock: Clock;
  config: WorkerConfig;
  mailer: Mailer;
  sealer: Sealer;
  events: EventBus;
  logger: Logger;
  /** Hears of the worker's invitation changes in their transactions (webhooks out). */
  follower: ChangeFollower;
  /** Other outboxes drained beside the emails, each with its own slots (webhooks out). */
  beside?: OutboxDrainFactory[];
  id?: string;
  metrics?: Metrics;
}): DeliveryWorker {
  const { db, clock, config, events, logger } = deps;
  const workerId = deps.id ?? `worker-${randomUUID().slice(0, 8)}`;
  const changes = createChanges({ db, events, follower: deps.follower });
  const finishing = createFinishing({ clock, config, logger, metrics: deps.metrics });
  const screening = createScreening({ db, clock, config, changes, finishing });
  const sending = createSending({ ...deps, changes, finishing, workerId });

  const claim = (batchSize = config.DELIVERY_BATCH_SIZE): Promise<Attempt[]> => {
    const now = clock.now();
    return claimDue(db, {
      workerId,
      now,
      until: new Date(now.getTime() + config.DELIVERY_LEASE_SECONDS * 1000),
      batchSize,
    });
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  /** stop() was called: claimed attempts not yet begun are given back, not sent. */
  let stopping = false;
  /** The attempts whose send has begun (check, conversation, record) and not ended. */
  const begun = new Set<string>();
  /** Claimed attempts whose send failed before any mail left (the database was away): given back next pass. */
  const notBegun = new Set<string>();
  let busy = false;
  let again = false;
  let wakeups: AsyncIterator<undefined> | undefined;
  /** Who waits for the end of the pass now running, and of the next one. */
  let thisPass: ((handled: number) => void)[] | undefined;
  let nextPass: ((handled: number) => void)[] = [];
  /** Claimed and being validated, not yet in a slot: counted against DELIVERY_CONCURRENCY. */
  let reserved = 0;
  /** Who waits for another pass's claim to settle into the slots (or come back smaller). */
  let reservationWaiters: (() => void)[] = [];
  const reservationSettled = () => new Promise<void>((resolve) => reservationWaiters.push(resolve));
  const slots = createSlots(config.DELIVERY_CONCURRENCY, () => tick());
  const accountMailing = createAccountMailing({ ...deps, workerId, onFree: () => tick() });
  const beside = (deps.beside ?? []).map((make) => make(() => tick(), workerId));
  let lastPassAt: Date | undefined;
  /** The database has been away since `since`: said once, and passes come less often meanwhile. */
  let unreachable: { since: Date; waits: number } | undefined;
  /** This pass failed for want of the database (in any of its parts). */
  let awayThisPass = false;

  /** A pass's failure in the log; the database being away is said once for the whole outage. */
  function passFailed(message: string, error: unknown, fields: Record<string, unknown> = {}) {
    if (!isDatabaseUnavailable(error)) return logger.error(message, { ...fields, err: error });
    awayThisPass = true;
    if (unreachable) return;
    unreachable = { since: clock.now(), waits: 0 };
    logger.warn('database unreachable: delivery waits for it, polling less often', { error: String(error) });
  }

  /** The next pass's wait: the poll interval, doubled for each pass of an outage up to 5 s. */
  function nextWait(): number {
    if (!unreachable) return config.DELIVERY_POLL_MS;
    unreachable.waits += 1;
    return Math.min(config.DELIVERY_POLL_MS * 2 ** unreachable.waits, Math.max(config.DELIVERY_POLL_MS, 5000));
  }

  /**
   * Claims up to the free slots, validates, and starts each email's send; gives how many it
   * claimed and, in `settled`, when their sends are recorded. Never waits for a send to end: the
   * started worker's pass ends when the slots are full (a freed slot starts the next), and a
   * driven pass (`batch`: runOnce) waits for a free slot, never for a given send, until it has
   * claimed a batch.
   */
  async function pass(batch?: number): Promise<{ handled: number; settled: Promise<unknown> }> {
    // Account emails go out beside the invitations, so neither waits for the other's mail server.
    const accountEmails = accountMailing.fill().catch((error: unknown) => {
      // Their leases run out and another pass takes them over.
      passFailed('account emails crashed', error);
      return { handled: 0, settled: Promise.resolve() };
    });
    const others = beside.map((drain) =>
      drain.fill().catch((error: unknown) => {
        // Their leases run out and another pass takes them over.
        passFailed('outbox drain crashed', error);
        return { handled: 0, settled: Promise.resolve() };
      }),
    );
    await giveBack();
    let handled = 0;
    const started: Promise<void>[] = [];
    try {
      for (;;) {
        const wanted = batch === undefined ? config.DELIVERY_BATCH_SIZE : batch - handled;
        const room = Math.min(wanted, slots.free() - reserved);
        if (wanted <= 0) break;
        if (room <= 0) {
          if (batch === undefined) break;
          // Every slot busy: wait for one to free. Free slots that another pass has reserved: wait
          // for its claim to settle (waiting on `freed()` then would resolve at once, for ever).
          await (slots.free() === 0 ? slots.freed() : reservationSettled());
          continue;
        }
        reserved += room;
        try {
          const claimed = await claim(room);
          handled += claimed.length;
          let ready: Ready[] = [];
          try {
            ready = await screening.validate(claimed);
          } catch (error) {
            // Their leases run out and another pass takes them over.
            passFailed('delivery batch crashed', error, { attempts: claimed.length });
          }
          for (const r of ready) {
            started.push(
              slots.run(async () => {
                // Stopping: not begun, so stop() gives it back for another worker to take at once.
                if (stopping) return;
                begun.add(r.attempt.id);
                try {
                  await sending.send(r);
                } catch (error) {
                  // Not mailed: the next pass gives it back. Else its lease runs out and another pass takes it over.
                  if (error instanceof SendNotBegunError) notBegun.add(r.attempt.id);
                  attemptLogger(logger, r.attempt).error('delivery send crashed', { err: error });
                } finally {
                  begun.delete(r.attempt.id);
                }
              }),
            );
          }
          if (claimed.length < room || (batch === undefined && stopped)) break;
        } finally {
          reserved -= room;
          const woken = reservationWaiters;
          reservationWaiters = [];
          for (const wake of woken) wake();
        }
      }
    } finally {
      started.push((await accountEmails).settled as Promise<void>);
      for (const other of others) started.push((await other).settled as Promise<void>);
    }
    return { handled, settled: Promise.all(started) };
  }

  /** Gives back the attempts whose send failed before mailing (the database was away), once it answers. */
  async function giveBack() {
    if (notBegun.size === 0) return;
    const ids = [...notBegun];
    try {
      await releaseClaims(db, workerId, { only: ids });
      for (const id of ids) notBegun.delete(id);
    } catch {
      // Still away: the next pass tries again (or their leases run out).
    }
  }

  /** One batch (DELIVERY_BATCH_SIZE), sent through the slots; resolves once it is all recorded. */
  async function runOnce(): Promise<number> {
    const { handled, settled } = await pass(config.DELIVERY_BATCH_SIZE);
    await settled;
    return handled;
  }

  /** One pass at a time; a wake-up during a pass asks for another right after it. */
  function tick() {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    clearTimeout(timer);
    thisPass = nextPass;
    nextPass = [];
    awayThisPass = false;
    running = pass()
      .then((claimed) => {
        lastPassAt = clock.now();
        return claimed;
      })
      .catch((error: unknown) => {
        passFailed('delivery pass failed', error);
        return { handled: 0, settled: Promise.resolve() };
      })
      .then((result) => {
        if (unreachable && !awayThisPass) {
          logger.info('database reachable again: delivery resumes', {
            awayMs: clock.now().getTime() - unreachable.since.getTime(),
          });
          unreachable = undefined;
        }
        return result;
      })
      .then(({ handled, settled }) => {
        const waiters = thisPass ?? [];
        thisPass = undefined;
        void settled.then(() => {
          for (const resolve of waiters) resolve(handled);
        });
      })
      .finally(() => {
        busy = false;
        if (stopped) return;
        if (again) {
          again = false;
          tick();
        } else {
          timer = setTimeout(tick, nextWait());
        }
      });
  }

  return {
    runOnce,
    claim,
    nextPass: () => new Promise((resolve) => (thisPass ?? nextPass).push(resolve)),
    lastPassAt: () => lastPassAt,
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      for (const drain of beside) drain.start();
      wakeups = events.deliveriesQueued()[Symbol.asyncIterator]();
      const listen = async () => {
        while (!stopped && wakeups) {
          const next = await wakeups.next();
          if (next.done) return;
          tick();
        }
      };
      void listen();
      tick();
    },
    async stop() {
      stopped = true;
      stopping = true;
      clearTimeout(timer);
      await wakeups?.return?.();
      await running;
      await Promise.all(beside.map((drain) => drain.stop()));
      // What it claimed but has not begun to send goes back now, not when its lease runs out.
      try {
        const released = await releaseClaims(db, workerId, { except: [...begun] });
        if (released.length > 0) logger.info('released unstarted deliveries', { attempts: released.length });
      } catch (error) {
        // The database is away: their leases run out and another worker takes them over.
        logger.warn('could not release unstarted deliveries', { error: String(error) });
      }
      // The conversations in flight end (SMTP_TIMEOUT_MS bounds a hung one) and are recorded.
      await Promise.all([slots.idle(), accountMailing.idle(), ...beside.map((drain) => drain.idle())]);
    },
  };
}

// The delivery worker: claims due outbox rows with a lease (FOR UPDATE SKIP LOCKED, so any number
// of workers share the queue), checks the addresses, sends the emails DELIVERY_CONCURRENCY at a
// time, and records each delivery status transition with its timeline event, publishing after
// commit. Talks to the database, the mailer, the event bus and DNS (MX lookups, when enabled).
import { randomUUID } from 'node:crypto';
import { resolveMx } from 'node:dns/promises';
import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import {
  type DeliveryState,
  type DeliveryStatus,
  deliveryAttempts,
  emailSuppressions,
  invitations,
  organizations,
  users,
} from '../db/schema/index.js';
import type { EventBus, InvitationChange } from '../events/bus.js';
import { effectiveStatus } from '../invitations/status.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from './mailer.js';
import { composeInvitationMail } from './message.js';
import type { Sealer } from './sealing.js';
import { perRow, recordDeliveryStatus, recordDeliveryStatuses } from './transitions.js';

type Attempt = typeof deliveryAttempts.$inferSelect;
type Invitation = typeof invitations.$inferSelect;

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

export interface DeliveryWorker {
  /** Claims and processes what is due now; resolves with how many attempts it handled. */
  runOnce(): Promise<number>;
  /** Claims due attempts without processing them: what a worker that dies right after does. */
  claim(): Promise<{ id: string }[]>;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when the started worker's current pass ends (the next one's when it is idle), with what it handled. */
  nextPass(): Promise<number>;
}

/** Exponential backoff with full jitter between half and all of the step, capped. */
export function backoffMs(tries: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, tries - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

async function hasMailExchanger(domain: string, timeoutMs: number): Promise<boolean> {
  const lookup = resolveMx(domain).then(
    (records) => records.length > 0,
    (error: NodeJS.ErrnoException) => !(error.code === 'ENOTFOUND' || error.code === 'ENODATA'),
  );
  // A slow or failing resolver must not reject good addresses: on timeout, let the mail go.
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref());
  return Promise.race([lookup, timeout]);
}

export function createDeliveryWorker(deps: {
  db: Db;
  clock: Clock;
  config: WorkerConfig;
  mailer: Mailer;
  sealer: Sealer;
  events: EventBus;
  logger: Logger;
  id?: string;
}): DeliveryWorker {
  const { db, clock, config, mailer, sealer, events, logger } = deps;
  const workerId = deps.id ?? `worker-${randomUUID().slice(0, 8)}`;

  const transition = (
    tx: Tx,
    log: InvitationChange[],
    invitation: Invitation,
    to: DeliveryStatus,
    data: Record<string, unknown> = {},
  ) => recordDeliveryStatus(tx, log, invitation, to, clock.now(), data);

  /**
   * Writes of one transaction issued together: postgres.js
   * pipelines them on the connection, a round trip fewer each time.
   */
  const both = async (...writes: Promise<unknown>[]) => {
    await Promise.all(writes);
  };

  /** Ends attempts in one statement; `messageIds` by attempt id, for SENT; `extra` for every row. */
  async function finishAll(
    tx: Tx,
    ending: Attempt[],
    state: DeliveryState,
    { messageIds, ...extra }: Partial<Attempt> & { messageIds?: Map<string, string> } = {},
  ) {
    if (ending.length === 0) return;
    // With click tracking the redirect still needs the link of a sent mail while the invitation is open.
    const keepLink = state === 'SENT' && config.EMAIL_TRACKING_ENABLED;
    await tx
      .update(deliveryAttempts)
      .set({
        state,
        lockedUntil: null,
        finishedAt: clock.now(),
        ...(keepLink ? {} : { sealedLink: null }),
        ...(messageIds ? { messageId: perRow(deliveryAttempts.id, deliveryAttempts.messageId, [...messageIds]) } : {}),
        ...extra,
      })
      .where(
        inArray(
          deliveryAttempts.id,
          ending.map((attempt) => attempt.id),
        ),
      );
  }

  const finish = (tx: Tx, attempt: Attempt, state: DeliveryState, extra: Partial<Attempt> = {}) =>
    finishAll(tx, [attempt], state, extra);

  /** Runs `work` in a transaction and publishes its changes once committed. */
  async function committed(work: (tx: Tx, log: InvitationChange[]) => Promise<void>) {
    const log: InvitationChange[] = [];
    await db.transaction((tx) => work(tx, log));
    for (const change of log) events.publishChange(change);
  }

  /** Still worth sending: pending, and this is the newest attempt. */
  const current = (invitation: Invitation | undefined, attempt: Attempt): invitation is Invitation =>
    invitation !== undefined &&
    effectiveStatus(invitation, clock.now()) === 'PENDING' &&
    invitation.attempts === attempt.attempt;

  async function claim(): Promise<Attempt[]> {
    const now = clock.now();
    const due = db
      .select({ id: deliveryAttempts.id })
      .from(deliveryAttempts)
      .where(
        or(
          and(inArray(deliveryAttempts.state, ['QUEUED', 'RETRY']), lte(deliveryAttempts.availableAt, now)),
          // A worker that died holding a lease: its attempt is due again once the lease runs out.
          and(eq(deliveryAttempts.state, 'SENDING'), lte(deliveryAttempts.lockedUntil, now)),
        ),
      )
      .orderBy(asc(deliveryAttempts.availableAt))
      .limit(config.DELIVERY_BATCH_SIZE)
      .for('update', { skipLocked: true });
    return db
      .update(deliveryAttempts)
      .set({
        state: 'SENDING',
        lockedBy: workerId,
        lockedUntil: new Date(now.getTime() + config.DELIVERY_LEASE_SECONDS * 1000),
        tries: sql`${deliveryAttempts.tries} + 1`,
      })
      .where(inArray(deliveryAttempts.id, due))
      .returning();
  }

  /**
   * The invitations of a claimed batch, locked in id order (as every pass locks them, so two never
   * deadlock), with what the checks and the email need from around each: one statement instead of
   * a read each for the invitation, its suppression, its organization's blocked domains and names.
   */
  const lockForChecks = (tx: Tx, batch: Attempt[]) =>
    tx
      .select({
        invitation: invitations,
        suppressedAfter: sql<string | null>`(select ${emailSuppressions.reason} from ${emailSuppressions}
          where ${emailSuppressions.organizationId} = ${invitations.organizationId}
            and ${emailSuppressions.email} = ${invitations.email})`,
        blockedDomains: organizations.blockedEmailDomains,
        organizationName: organizations.name,
        inviterName: users.name,
      })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .leftJoin(users, eq(users.id, invitations.invitedById))
      .where(inArray(invitations.id, [...new Set(batch.map((a) => a.invitationId))]))
      .orderBy(asc(invitations.id))
      .for('update', { of: invitations });

  type Checked = Awaited<ReturnType<typeof lockForChecks>>[number];

  /** Why this address must not be mailed, if it must not. */
  function rejection(checked: Checked, mailless: Set<string>) {
    const domain = checked.invitation.email.split('@')[1] ?? '';
    if (checked.suppressedAfter) return `address suppressed after ${checked.suppressedAfter}`;
    if (checked.blockedDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) {
      return `domain ${domain} is blocked`;
    }
    if (mailless.has(domain)) return `domain ${domain} accepts no mail`;
    return null;
  }

  /** The batch's domains that have no mail exchanger, looked up before any row is locked. */
  async function maillessDomains(batch: Attempt[]): Promise<Set<string>> {
    if (!config.MX_LOOKUP_ENABLED) return new Set();
    const found = await db
      .select({ email: invitations.email })
      .from(invitations)
      .where(
        inArray(
          invitations.id,
          batch.map((a) => a.invitationId),
        ),
      );
    const domains = [...new Set(found.map((f) => f.email.split('@')[1] ?? ''))];
    const accepting = await Promise.all(domains.map((d) => hasMailExchanger(d, config.MX_LOOKUP_TIMEOUT_MS)));
    return new Set(domains.filter((_, i) => !accepting[i]));
  }

  interface Ready {
    attempt: Attempt;
    organizationName: string;
    inviterName: string | null;
  }

  /**
   * Validates a claimed batch in one transaction and announces SENDING for what may go: a cancel
   * or a newer resend retires its attempt silently, a suppressed or blocked address rejects it.
   */
  async function validate(batch: Attempt[]): Promise<Ready[]> {
    if (batch.length === 0) return [];
    const mailless = await maillessDomains(batch);
    const ready: Ready[] = [];
    await committed(async (tx, log) => {
      const checked = new Map((await lockForChecks(tx, batch)).map((c) => [c.invitation.id, c]));
      const superseded: Attempt[] = [];
      const sending: Invitation[] = [];
      const rejected: Promise<void>[] = [];
      for (const attempt of batch) {
        const found = checked.get(attempt.invitationId);
        const invitation = found?.invitation;
        if (!found || !current(invitation, attempt)) {
          superseded.push(attempt);
          continue;
        }
        const reason = rejection(found, mailless);
        if (reason) {
          rejected.push(
            both(
              finish(tx, attempt, 'REJECTED', { lastError: reason }),
              transition(tx, log, invitation, 'REJECTED', { reason }),
            ),
          );
          continue;
        }
        sending.push(invitation);
        ready.push({ attempt, organizationName: found.organizationName, inviterName: found.inviterName });
      }
      await Promise.all([
        ...rejected,
        finishAll(tx, superseded, 'SUPERSEDED'),
        recordDeliveryStatuses(tx, log, sending, 'SENDING', clock.now()),
      ]);
    });
    return ready;
  }

  /** The group's invitation and attempt rows, locked in invitation id order; only attempts this worker still holds. */
  const lockForSending = (tx: Tx, group: Ready[]) =>
    tx
      .select({ invitation: invitations, mine: deliveryAttempts })
      .from(invitations)
      .innerJoin(deliveryAttempts, eq(deliveryAttempts.invitationId, invitations.id))
      .where(
        and(
          inArray(
            deliveryAttempts.id,
            group.map((r) => r.attempt.id),
          ),
          eq(deliveryAttempts.lockedBy, workerId),
        ),
      )
      .orderBy(asc(invitations.id))
      .for('update');

  type Locked = Awaited<ReturnType<typeof lockForSending>>[number];

  type Outcome =
    | { kind: 'lost' }
    | { kind: 'superseded'; attempt: Attempt }
    | { kind: 'sent'; attempt: Attempt; invitation: Invitation; messageId: string }
    | { kind: 'refused'; attempt: Attempt; invitation: Invitation; tries: number; error: string };

  async function sendOne(ready: Ready, locked: Locked | undefined): Promise<Outcome> {
    const { attempt, organizationName, inviterName } = ready;
    if (locked?.mine.state !== 'SENDING') return { kind: 'lost' }; // the lease went to another worker
    const { invitation, mine } = locked;
    if (!current(invitation, attempt) || !mine.sealedLink) return { kind: 'superseded', attempt };
    const messageId = `<${attempt.id}@invitation-api>`;
    try {
      await mailer.send(
        composeInvitationMail({
          from: config.MAIL_FROM,
          to: invitation.email,
          messageId,
          organizationName,
          inviterName,
          role: invitation.role,
          message: invitation.message,
          link: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/c/${attempt.id}` : sealer.open(mine.sealedLink),
          trackingPixel: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/o/${attempt.id}` : null,
          expiresAt: invitation.expiresAt,
        }),
      );
      return { kind: 'sent', attempt, invitation, messageId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'refused', attempt, invitation, tries: mine.tries, error: message };
    }
  }

  /** A refused send: retried with backoff, or FAILED once the tries are used up. */
  async function refused(tx: Tx, log: InvitationChange[], outcome: Outcome & { kind: 'refused' }) {
    const { attempt, invitation, tries, error } = outcome;
    if (tries >= config.DELIVERY_MAX_TRIES) {
      logger.warn('delivery failed for good', { attempt: attempt.id, tries, error });
      return both(
        finish(tx, attempt, 'FAILED', { lastError: error }),
        transition(tx, log, invitation, 'FAILED', { error, tries }),
      );
    }
    const wait = backoffMs(tries, config.DELIVERY_BACKOFF_BASE_MS, config.DELIVERY_BACKOFF_MAX_MS);
    logger.info('delivery will be retried', { attempt: attempt.id, tries, waitMs: wait, error });
    await tx
      .update(deliveryAttempts)
      .set({ state: 'RETRY', lockedUntil: null, lastError: error, availableAt: new Date(clock.now().getTime() + wait) })
      .where(eq(deliveryAttempts.id, attempt.id));
  }

  /**
   * Up to DELIVERY_CONCURRENCY emails at once, in one transaction that holds their invitation rows
   * (a cancel or resend waits for the sends, so no email leaves after a cancel committed and only
   * the newest link is ever mailed) and their attempt rows (no lease takeover claims one mid-send).
   * The writes wait until every send is done: they take the organization's rollup lock, which no
   * send may hold.
   */
  async function sendGroup(group: Ready[], sendsDone: () => void) {
    await committed(async (tx, log) => {
      const locked = new Map((await lockForSending(tx, group)).map((l) => [l.mine.id, l]));
      const outcomes = await Promise.all(group.map((ready) => sendOne(ready, locked.get(ready.attempt.id))));
      sendsDone();
      const sent = outcomes.flatMap((o) => (o.kind === 'sent' ? [o] : []));
      const messageIds = new Map(sent.map((o) => [o.invitation.id, o.messageId]));
      await Promise.all([
        finishAll(
          tx,
          outcomes.flatMap((o) => (o.kind === 'superseded' ? [o.attempt] : [])),
          'SUPERSEDED',
        ),
        finishAll(
          tx,
          sent.map((o) => o.attempt),
          'SENT',
          { messageIds: new Map(sent.map((o) => [o.attempt.id, o.messageId])) },
        ),
        recordDeliveryStatuses(
          tx,
          log,
          sent.map((o) => o.invitation),
          'SENT',
          clock.now(),
          (invitation) => ({ messageId: messageIds.get(invitation.id) }),
        ),
        ...outcomes.flatMap((o) => (o.kind === 'refused' ? [refused(tx, log, o)] : [])),
      ]);
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  let busy = false;
  let again = false;
  let wakeups: AsyncIterator<undefined> | undefined;
  /** Who waits for the end of the pass now running, and of the next one. */
  let thisPass: ((handled: number) => void)[] | undefined;
  let nextPass: ((handled: number) => void)[] = [];

  async function runOnce(): Promise<number> {
    let handled = 0;
    // Each group sends once the one before has sent, and records and commits while the next one
    // sends; the next batch is claimed and validated while the last group sends. The SMTP
    // connections stay busy, and never more than DELIVERY_CONCURRENCY emails are in flight.
    const groups: Promise<void>[] = [];
    let previousSent = Promise.resolve();
    try {
      for (;;) {
        const claimed = await claim();
        handled += claimed.length;
        let ready: Ready[] = [];
        try {
          ready = await validate(claimed);
        } catch (error) {
          // Their leases run out and another pass takes them over.
          logger.error('delivery batch crashed', { attempts: claimed.length, error: String(error) });
        }
        for (let i = 0; i < ready.length; i += config.DELIVERY_CONCURRENCY) {
          const group = ready.slice(i, i + config.DELIVERY_CONCURRENCY);
          await previousSent;
          let sendsDone = () => {};
          const sent = new Promise<void>((resolve) => {
            sendsDone = resolve;
          });
          groups.push(
            sendGroup(group, sendsDone)
              .catch((error: unknown) => {
                // Their leases run out and another pass takes them over.
                logger.error('delivery group crashed', {
                  attempts: group.map((r) => r.attempt.id),
                  error: String(error),
                });
              })
              .finally(sendsDone),
          );
          previousSent = sent;
        }
        if (claimed.length < config.DELIVERY_BATCH_SIZE || stopped) return handled;
      }
    } finally {
      await Promise.all(groups);
    }
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
    running = runOnce()
      .catch((error: unknown) => {
        logger.error('delivery pass failed', { error: String(error) });
        return 0;
      })
      .then((handled) => {
        const waiters = thisPass ?? [];
        thisPass = undefined;
        for (const resolve of waiters) resolve(handled);
      })
      .finally(() => {
        busy = false;
        if (stopped) return;
        if (again) {
          again = false;
          tick();
        } else {
          timer = setTimeout(tick, config.DELIVERY_POLL_MS);
        }
      });
  }

  return {
    runOnce,
    claim,
    nextPass: () => new Promise((resolve) => (thisPass ?? nextPass).push(resolve)),
    start() {
      if (!stopped) return;
      stopped = false;
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
      clearTimeout(timer);
      await wakeups?.return?.();
      await running;
    },
  };
}

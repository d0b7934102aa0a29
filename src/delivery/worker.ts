// The delivery worker: claims due outbox rows with a lease (FOR UPDATE SKIP LOCKED, so any number
// of workers share the queue), checks the address, sends the email, and records each delivery
// status transition with its timeline event, publishing after commit. Talks to the database, the
// mailer, the event bus and DNS (MX lookups, when enabled).
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
import { recordDeliveryStatus } from './transitions.js';

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

  async function finish(tx: Tx, attempt: Attempt, state: DeliveryState, extra: Partial<Attempt> = {}) {
    await tx
      .update(deliveryAttempts)
      .set({ state, sealedLink: null, lockedUntil: null, finishedAt: clock.now(), ...extra })
      .where(eq(deliveryAttempts.id, attempt.id));
  }

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

  const lockInvitation = async (tx: Tx, attempt: Attempt) =>
    (await tx.select().from(invitations).where(eq(invitations.id, attempt.invitationId)).for('update'))[0];

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

  /** Why this address must not be mailed, if it must not. */
  async function rejection(invitation: Invitation): Promise<string | null> {
    const domain = invitation.email.split('@')[1] ?? '';
    const [suppressed] = await db
      .select({ reason: emailSuppressions.reason })
      .from(emailSuppressions)
      .where(
        and(
          eq(emailSuppressions.organizationId, invitation.organizationId),
          eq(emailSuppressions.email, invitation.email),
        ),
      );
    if (suppressed) return `address suppressed after ${suppressed.reason}`;
    const [org] = await db
      .select({ blocked: organizations.blockedEmailDomains })
      .from(organizations)
      .where(eq(organizations.id, invitation.organizationId));
    if (org?.blocked.some((d) => domain === d || domain.endsWith(`.${d}`))) return `domain ${domain} is blocked`;
    if (config.MX_LOOKUP_ENABLED && !(await hasMailExchanger(domain, config.MX_LOOKUP_TIMEOUT_MS))) {
      return `domain ${domain} accepts no mail`;
    }
    return null;
  }

  async function process(attempt: Attempt) {
    const [found] = await db.select().from(invitations).where(eq(invitations.id, attempt.invitationId));
    const reason = found && current(found, attempt) ? await rejection(found) : null;

    // Validate, then announce SENDING; a cancel or a newer resend retires this attempt silently.
    let proceed = false;
    await committed(async (tx, log) => {
      const invitation = await lockInvitation(tx, attempt);
      if (!current(invitation, attempt)) return finish(tx, attempt, 'SUPERSEDED');
      if (reason) {
        await transition(tx, log, invitation, 'REJECTED', { reason });
        return finish(tx, attempt, 'REJECTED', { lastError: reason });
      }
      await transition(tx, log, invitation, 'SENDING');
      proceed = true;
    });
    if (!proceed) return;

    // Send while holding the invitation row: a cancel or resend waits for the send to finish, so
    // no email leaves after a cancel committed and only the newest link is ever mailed.
    await committed(async (tx, log) => {
      const invitation = await lockInvitation(tx, attempt);
      const [mine] = await tx
        .select()
        .from(deliveryAttempts)
        .where(and(eq(deliveryAttempts.id, attempt.id), eq(deliveryAttempts.lockedBy, workerId)))
        .for('update');
      if (mine?.state !== 'SENDING') return; // the lease went to another worker
      if (!current(invitation, attempt) || !mine.sealedLink) return finish(tx, attempt, 'SUPERSEDED');
      const [names] = await tx
        .select({ organizationName: organizations.name, inviterName: users.name })
        .from(organizations)
        .leftJoin(users, eq(users.id, invitation.invitedById ?? sql`null`))
        .where(eq(organizations.id, invitation.organizationId));
      const messageId = `<${attempt.id}@invitation-api>`;
      try {
        await mailer.send(
          composeInvitationMail({
            from: config.MAIL_FROM,
            to: invitation.email,
            messageId,
            organizationName: names?.organizationName ?? '',
            inviterName: names?.inviterName ?? null,
            role: invitation.role,
            message: invitation.message,
            link: config.EMAIL_TRACKING_ENABLED
              ? `${config.publicUrl}/t/c/${attempt.id}`
              : sealer.open(mine.sealedLink),
            trackingPixel: config.EMAIL_TRACKING_ENABLED ? `${config.publicUrl}/t/o/${attempt.id}` : null,
            expiresAt: invitation.expiresAt,
          }),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (mine.tries >= config.DELIVERY_MAX_TRIES) {
          logger.warn('delivery failed for good', { attempt: attempt.id, tries: mine.tries, error: message });
          await transition(tx, log, invitation, 'FAILED', { error: message, tries: mine.tries });
          return finish(tx, attempt, 'FAILED', { lastError: message });
        }
        const wait = backoffMs(mine.tries, config.DELIVERY_BACKOFF_BASE_MS, config.DELIVERY_BACKOFF_MAX_MS);
        logger.info('delivery will be retried', {
          attempt: attempt.id,
          tries: mine.tries,
          waitMs: wait,
          error: message,
        });
        await tx
          .update(deliveryAttempts)
          .set({
            state: 'RETRY',
            lockedUntil: null,
            lastError: message,
            availableAt: new Date(clock.now().getTime() + wait),
          })
          .where(eq(deliveryAttempts.id, attempt.id));
        return;
      }
      await transition(tx, log, invitation, 'SENT', { messageId });
      // With click tracking the redirect still needs the link while the invitation is open.
      await finish(tx, attempt, 'SENT', {
        messageId,
        ...(config.EMAIL_TRACKING_ENABLED ? { sealedLink: mine.sealedLink } : {}),
      });
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;
  let busy = false;
  let again = false;
  let wakeups: AsyncIterator<undefined> | undefined;

  async function runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const claimed = await claim();
      for (const attempt of claimed) {
        try {
          await process(attempt);
        } catch (error) {
          // The lease runs out and another pass takes the attempt over.
          logger.error('delivery attempt crashed', { attempt: attempt.id, error: String(error) });
        }
      }
      handled += claimed.length;
      if (claimed.length < config.DELIVERY_BATCH_SIZE || stopped) return handled;
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
    running = runOnce()
      .catch((error: unknown) => logger.error('delivery pass failed', { error: String(error) }))
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

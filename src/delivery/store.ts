// Every SQL statement of the delivery domain: the outbox (delivery_attempts) from queueing to the
// end of each attempt, the account emails' outbox (account_emails), suppressed addresses, provider
// webhook receipts, and the reads that lock a batch's invitations with what its checks and emails need. Writes to invitations and their
// timeline go through the invitations store. Talks to the database only; callers pass the time.
import { and, asc, eq, inArray, lte, notInArray, or, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../db/client.js';
import { perRow } from '../db/perRow.js';
import {
  type AccountEmailState,
  accountEmails,
  type DeliveryState,
  deliveryAttempts,
  emailSuppressions,
  invitations,
  organizations,
  users,
  webhookReceipts,
} from '../db/schema/index.js';

export type Attempt = typeof deliveryAttempts.$inferSelect;

export async function insertAttempt(tx: Tx, values: typeof deliveryAttempts.$inferInsert) {
  await tx.insert(deliveryAttempts).values(values);
}

/** Leases up to `batchSize` due attempts to the worker (FOR UPDATE SKIP LOCKED: workers share the queue). */
export function claimDue(db: Db, lease: { workerId: string; now: Date; until: Date; batchSize: number }) {
  const due = db
    .select({ id: deliveryAttempts.id })
    .from(deliveryAttempts)
    .where(
      or(
        and(inArray(deliveryAttempts.state, ['QUEUED', 'RETRY']), lte(deliveryAttempts.availableAt, lease.now)),
        // A worker that died holding a lease: its attempt is due again once the lease runs out.
        and(eq(deliveryAttempts.state, 'SENDING'), lte(deliveryAttempts.lockedUntil, lease.now)),
      ),
    )
    .orderBy(asc(deliveryAttempts.availableAt))
    .limit(lease.batchSize)
    .for('update', { skipLocked: true });
  return db
    .update(deliveryAttempts)
    .set({
      state: 'SENDING',
      lockedBy: lease.workerId,
      lockedUntil: lease.until,
      tries: sql`${deliveryAttempts.tries} + 1`,
    })
    .where(inArray(deliveryAttempts.id, due))
    .returning();
}

/**
 * Gives back attempts the worker claimed but did not begin to send, as they were before the claim:
 * lease cleared, the claim's try taken back, QUEUED when that leaves no try, else RETRY. Due again
 * at once, for any worker. `except` all it holds but those, or `only` those.
 */
export function releaseClaims(db: Db, workerId: string, which: { except: string[] } | { only: string[] }) {
  return db
    .update(deliveryAttempts)
    .set({
      state: sql`case when ${deliveryAttempts.tries} <= 1 then 'QUEUED' else 'RETRY' end`,
      lockedBy: null,
      lockedUntil: null,
      tries: sql`greatest(${deliveryAttempts.tries} - 1, 0)`,
    })
    .where(
      and(
        eq(deliveryAttempts.lockedBy, workerId),
        eq(deliveryAttempts.state, 'SENDING'),
        'only' in which
          ? inArray(deliveryAttempts.id, which.only)
          : which.except.length > 0
            ? notInArray(deliveryAttempts.id, which.except)
            : undefined,
      ),
    )
    .returning({ id: deliveryAttempts.id });
}

/**
 * The invitations of a claimed batch, locked in id order (as every pass locks them, so two never
 * deadlock), with what the checks and the email need from around each: one statement instead of
 * a read each for the invitation, its suppression, its organization's blocked domains and names.
 */
export const lockForChecks = (tx: Tx, invitationIds: string[]) =>
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
    .where(inArray(invitations.id, invitationIds))
    .orderBy(asc(invitations.id))
    .for('update', { of: invitations });

export type Checked = Awaited<ReturnType<typeof lockForChecks>>[number];

/** Attempts' rows and their invitations', locked in invitation id order; only attempts this worker still holds. */
export const lockForSending = (tx: Tx, attemptIds: string[], workerId: string) =>
  tx
    .select({ invitation: invitations, mine: deliveryAttempts })
    .from(invitations)
    .innerJoin(deliveryAttempts, eq(deliveryAttempts.invitationId, invitations.id))
    .where(and(inArray(deliveryAttempts.id, attemptIds), eq(deliveryAttempts.lockedBy, workerId)))
    .orderBy(asc(invitations.id))
    .for('update');

export type Locked = Awaited<ReturnType<typeof lockForSending>>[number];

/** Extends this worker's lease on an attempt it is about to send, so the lease covers the conversation. */
export async function renewLease(tx: Tx, id: string, workerId: string, until: Date) {
  await tx
    .update(deliveryAttempts)
    .set({ lockedUntil: until })
    .where(and(eq(deliveryAttempts.id, id), eq(deliveryAttempts.lockedBy, workerId)));
}

/** Ends attempts in one statement; `messageIds` by attempt id; `wipeLink` clears the sealed link. */
export async function finishAttempts(
  tx: Tx,
  ids: string[],
  end: { state: DeliveryState; at: Date; wipeLink: boolean; messageIds?: Map<string, string>; set?: Partial<Attempt> },
) {
  await tx
    .update(deliveryAttempts)
    .set({
      state: end.state,
      lockedUntil: null,
      finishedAt: end.at,
      ...(end.wipeLink ? { sealedLink: null } : {}),
      ...(end.messageIds
        ? { messageId: perRow(deliveryAttempts.id, deliveryAttempts.messageId, [...end.messageIds]) }
        : {}),
      ...end.set,
    })
    .where(inArray(deliveryAttempts.id, ids));
}

export async function scheduleRetry(tx: Tx, id: string, retry: { error: string; availableAt: Date }) {
  await tx
    .update(deliveryAttempts)
    .set({ state: 'RETRY', lockedUntil: null, lastError: retry.error, availableAt: retry.availableAt })
    .where(eq(deliveryAttempts.id, id));
}

/** A tracked attempt and its invitation, the invitation locked. */
export async function attemptWithInvitation(tx: Tx, attemptId: string) {
  const [row] = await tx
    .select({ attempt: deliveryAttempts, invitation: invitations })
    .from(deliveryAttempts)
    .innerJoin(invitations, eq(invitations.id, deliveryAttempts.invitationId))
    .where(eq(deliveryAttempts.id, attemptId))
    .for('update', { of: invitations });
  return row;
}

/** Notes a provider event as applied to the organisation's message; false when it already was. */
export async function recordReceipt(
  tx: Tx,
  receipt: { organizationId: string; messageId: string; eventId: string; at: Date },
): Promise<boolean> {
  const [fresh] = await tx
    .insert(webhookReceipts)
    .values({
      organizationId: receipt.organizationId,
      messageId: receipt.messageId,
      id: receipt.eventId,
      receivedAt: receipt.at,
    })
    .onConflictDoNothing()
    .returning();
  return fresh !== undefined;
}

export async function suppressAddress(
  executor: Executor,
  suppression: { organizationId: string; email: string; reason: string; at: Date },
) {
  await executor
    .insert(emailSuppressions)
    .values({
      organizationId: suppression.organizationId,
      email: suppression.email,
      reason: suppression.reason,
      createdAt: suppression.at,
    })
    .onConflictDoNothing();
}

export type AccountEmailRow = typeof accountEmails.$inferSelect;

export async function insertAccountEmail(tx: Tx, values: typeof accountEmails.$inferInsert) {
  await tx.insert(accountEmails).values(values);
}

/** Leases up to `batchSize` due account emails to the worker, as claimDue does for invitations. */
export function claimDueAccountEmails(db: Db, lease: { workerId: string; now: Date; until: Date; batchSize: number }) {
  const due = db
    .select({ id: accountEmails.id })
    .from(accountEmails)
    .where(
      or(
        and(inArray(accountEmails.state, ['QUEUED', 'RETRY']), lte(accountEmails.availableAt, lease.now)),
        and(eq(accountEmails.state, 'SENDING'), lte(accountEmails.lockedUntil, lease.now)),
      ),
    )
    .orderBy(asc(accountEmails.availableAt))
    .limit(lease.batchSize)
    .for('update', { skipLocked: true });
  return db
    .update(accountEmails)
    .set({
      state: 'SENDING',
      lockedBy: lease.workerId,
      lockedUntil: lease.until,
      tries: sql`${accountEmails.tries} + 1`,
    })
    .where(inArray(accountEmails.id, due))
    .returning();
}

/**
 * Ends or reschedules an account email this worker still holds: SENT and FAILED wipe the link,
 * RETRY keeps it for `availableAt`. False when the lease went to another worker meanwhile.
 */
export async function settleAccountEmail(
  db: Db,
  id: string,
  workerId: string,
  end: { state: AccountEmailState; at: Date; error?: string; availableAt?: Date },
): Promise<boolean> {
  const ended = end.state !== 'RETRY';
  const rows = await db
    .update(accountEmails)
    .set({
      state: end.state,
      lockedUntil: null,
      ...(end.error !== undefined ? { lastError: end.error } : {}),
      ...(end.availableAt ? { availableAt: end.availableAt } : {}),
      ...(ended ? { sealedLink: null, finishedAt: end.at } : {}),
    })
    .where(and(eq(accountEmails.id, id), eq(accountEmails.lockedBy, workerId), eq(accountEmails.state, 'SENDING')))
    .returning({ id: accountEmails.id });
  return rows.length > 0;
}

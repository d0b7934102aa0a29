// Every SQL statement of the invitations domain: its tables (invitations, their timeline in
// invitation_events, idempotency keys) and what its flows read and write of the accounts' tables
// (the inviter's membership, the account and membership an accept makes, who may watch). The
// delivery side writes delivery statuses and engagement through here too. Talks to the database
// only; callers pass the time, so nothing here reads a clock.
import { and, asc, desc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { MANAGER_ROLES } from '../auth/policy.js';
import type { Executor, Tx } from '../db/client.js';
import { perRow } from '../db/perRow.js';
import {
  type DeliveryStatus,
  type InvitationEventType,
  idempotencyKeys,
  invitationEvents,
  invitations,
  memberships,
  organizations,
  users,
} from '../db/schema/index.js';
import type { InvitationChange } from '../events/bus.js';
import { pendingForEmailSql } from './queries.js';
import { pendingNow } from './status.js';

export type Invitation = typeof invitations.$inferSelect;
type User = typeof users.$inferSelect;

const sameEmail = (email: string) => sql`lower(${invitations.email}) = ${email.toLowerCase()}`;

// Reading invitations.

export async function invitationById(executor: Executor, id: string, lock = false): Promise<Invitation | undefined> {
  const query = executor.select().from(invitations).where(eq(invitations.id, id));
  return (lock ? await query.for('update') : await query)[0];
}

export const invitationsByIds = (executor: Executor, ids: string[]): Promise<Invitation[]> =>
  executor.select().from(invitations).where(inArray(invitations.id, ids));

export async function invitationBySelector(executor: Executor, selector: string, lock: boolean) {
  const query = executor.select().from(invitations).where(eq(invitations.tokenSelector, selector));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** The invitation a provider event speaks of (by the Message-ID of its latest email), locked. */
export async function invitationByMessageId(tx: Tx, messageId: string): Promise<Invitation | undefined> {
  const [row] = await tx.select().from(invitations).where(eq(invitations.messageId, messageId)).for('update');
  return row;
}

export const emailsOf = (executor: Executor, ids: string[]) =>
  executor.select({ email: invitations.email }).from(invitations).where(inArray(invitations.id, ids));

/** The pending invitation to the address, as a query: read alone, or inside the send facts. */
const pendingQuery = (executor: Executor, organizationId: string, email: string, now: Date) =>
  executor
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(eq(invitations.organizationId, organizationId), sameEmail(email), pendingNow(now)))
    .limit(1);

export async function pendingTo(executor: Executor, organizationId: string, email: string, now: Date) {
  const [row] = await pendingQuery(executor, organizationId, email, now);
  return row;
}

/**
 * What the send policy needs to know, in one statement: the inviter's membership, and whether
 * the address already belongs to a member, has a pending invitation, or one past its expiry that
 * still reads PENDING in the table. Undefined when the inviter is not a member.
 */
export async function sendFacts(
  executor: Executor,
  ask: { organizationId: string; email: string; userId: string },
  now: Date,
) {
  const ofAddress = and(eq(invitations.organizationId, ask.organizationId), sameEmail(ask.email));
  const member = executor
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, ask.organizationId), sql`lower(${users.email}) = ${ask.email}`))
    .limit(1);
  const pending = pendingQuery(executor, ask.organizationId, ask.email, now);
  const lapsed = executor
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(ofAddress, eq(invitations.status, 'PENDING'), lte(invitations.expiresAt, now)));
  const [row] = await executor
    .select({
      role: memberships.role,
      permissions: memberships.permissions,
      email: users.email,
      memberId: sql<string | null>`(${member})`,
      pendingId: sql<string | null>`(${pending})`,
      lapsed: sql<boolean>`exists (${lapsed})`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, ask.organizationId), eq(memberships.userId, ask.userId)));
  return row;
}

export type SendFacts = Awaited<ReturnType<typeof sendFacts>>;

// Writing invitations.

export type NewInvitation = typeof invitations.$inferInsert;

export async function insertInvitation(tx: Tx, values: NewInvitation): Promise<Invitation> {
  const [row] = await tx.insert(invitations).values(values).returning();
  if (!row) throw new Error('insert returned no invitation');
  return row;
}

/** A resend: a new token, one attempt more, a new expiry; PENDING and VALIDATING again. `message` undefined keeps it. */
export async function reissueInvitation(
  tx: Tx,
  id: string,
  next: { tokenSelector: string; tokenVerifierHash: string; now: Date; expiresAt: Date; message?: string | null },
): Promise<Invitation> {
  const { now, message, ...token } = next;
  const [row] = await tx
    .update(invitations)
    .set({
      ...token,
      attempts: sql`${invitations.attempts} + 1`,
      lastSentAt: now,
      status: 'PENDING',
      deliveryStatus: 'VALIDATING',
      ...(message !== undefined ? { message } : {}),
      updatedAt: now,
    })
    .where(eq(invitations.id, id))
    .returning();
  if (!row) throw new Error('invitation vanished under lock');
  return row;
}

/** Ends a pending invitation the caller holds locked: cancelled, accepted or declined. */
export async function closeInvitation(
  tx: Tx,
  id: string,
  end: { status: 'CANCELLED' | 'ACCEPTED' | 'DECLINED'; at: Date; acceptedById?: string },
): Promise<Invitation> {
  const [row] = await tx
    .update(invitations)
    .set({
      status: end.status,
      ...(end.acceptedById ? { acceptedById: end.acceptedById } : {}),
      respondedAt: end.at,
      updatedAt: end.at,
    })
    .where(and(eq(invitations.id, id), eq(invitations.status, 'PENDING')))
    .returning();
  if (!row) throw new Error('invitation changed under lock');
  return row;
}

/** Pending rows past their expiry written EXPIRED: those to one address (but one), or all of them. */
export const expireLapsed = (
  executor: Executor,
  now: Date,
  scope?: { organizationId: string; email: string; exceptId?: string },
): Promise<Invitation[]> =>
  executor
    .update(invitations)
    .set({ status: 'EXPIRED', updatedAt: now })
    .where(
      and(
        eq(invitations.status, 'PENDING'),
        lte(invitations.expiresAt, now),
        scope && eq(invitations.organizationId, scope.organizationId),
        scope && sameEmail(scope.email),
        scope?.exceptId ? ne(invitations.id, scope.exceptId) : undefined,
      ),
    )
    .returning();

/** Moves the delivery status of many invitations in one UPDATE; `messageIds` (by invitation id) are kept on them. */
export async function setDeliveryStatuses(
  executor: Executor,
  ids: string[],
  to: DeliveryStatus,
  at: Date,
  messageIds: [string, string][],
) {
  await executor
    .update(invitations)
    .set({
      deliveryStatus: to,
      updatedAt: at,
      ...(messageIds.length > 0 ? { messageId: perRow(invitations.id, invitations.messageId, messageIds) } : {}),
    })
    .where(inArray(invitations.id, ids));
}

export async function setEngagedAt(executor: Executor, id: string, column: 'openedAt' | 'clickedAt', at: Date) {
  await executor
    .update(invitations)
    .set({ [column]: at, updatedAt: at })
    .where(eq(invitations.id, id));
}

// The timeline.

/** Where the invitation stands right after the event: what subscribers are told. */
export type EventSubject = Pick<Invitation, 'id' | 'organizationId' | 'status' | 'deliveryStatus'>;

export interface TimelineEvent {
  type: InvitationEventType;
  at: Date;
  actorId?: string | null;
  data?: Record<string, unknown>;
}

/** Appends events in one INSERT and notes each change, to be published once the transaction commits. */
export async function appendEvents(
  executor: Executor,
  log: InvitationChange[],
  events: { invitation: EventSubject; event: TimelineEvent }[],
) {
  if (events.length === 0) return;
  const rows = await executor
    .insert(invitationEvents)
    .values(
      events.map(({ invitation, event }) => ({
        invitationId: invitation.id,
        organizationId: invitation.organizationId,
        type: event.type,
        actorId: event.actorId ?? null,
        data: event.data ?? {},
        statusAfter: invitation.status,
        deliveryStatusAfter: invitation.deliveryStatus,
        createdAt: event.at,
      })),
    )
    .returning({ seq: invitationEvents.seq });
  // RETURNING gives the rows in the order of VALUES.
  events.forEach(({ invitation, event }, i) => {
    log.push({
      seq: rows[i]?.seq ?? 0,
      invitationId: invitation.id,
      organizationId: invitation.organizationId,
      type: event.type,
      status: invitation.status,
      deliveryStatus: invitation.deliveryStatus,
      at: event.at.toISOString(),
    });
  });
}

export const appendEvent = (
  executor: Executor,
  log: InvitationChange[],
  invitation: EventSubject,
  event: TimelineEvent,
) => appendEvents(executor, log, [{ invitation, event }]);

/** One timeline row as an organisation's feed replays it. */
export type FeedEvent = Pick<
  typeof invitationEvents.$inferSelect,
  'seq' | 'invitationId' | 'organizationId' | 'type' | 'statusAfter' | 'deliveryStatusAfter' | 'createdAt'
>;

const feedColumns = {
  seq: invitationEvents.seq,
  invitationId: invitationEvents.invitationId,
  organizationId: invitationEvents.organizationId,
  type: invitationEvents.type,
  statusAfter: invitationEvents.statusAfter,
  deliveryStatusAfter: invitationEvents.deliveryStatusAfter,
  createdAt: invitationEvents.createdAt,
};

/** The organisation's timeline after `seq`, in order: at most `limit` rows. */
export const organizationEventsAfter = (executor: Executor, organizationId: string, seq: number, limit: number) =>
  executor
    .select(feedColumns)
    .from(invitationEvents)
    .where(and(eq(invitationEvents.organizationId, organizationId), gt(invitationEvents.seq, seq)))
    .orderBy(asc(invitationEvents.seq))
    .limit(limit);

/** The organisation's timeline event `seq`, if it has one. */
export async function organizationEventAt(executor: Executor, organizationId: string, seq: number) {
  const [row] = await executor
    .select(feedColumns)
    .from(invitationEvents)
    .where(and(eq(invitationEvents.organizationId, organizationId), eq(invitationEvents.seq, seq)));
  return row;
}

/** The newest timeline event of any organisation: a cursor beyond it was never given out. */
export async function latestEventSeq(executor: Executor): Promise<number> {
  const [row] = await executor.select({ seq: sql<string | null>`max(${invitationEvents.seq})` }).from(invitationEvents);
  return Number(row?.seq ?? 0);
}

/** The organisation's newest timeline event, 0 when it has none. */
export async function latestOrganizationSeq(executor: Executor, organizationId: string): Promise<number> {
  const [row] = await executor
    .select({ seq: sql<string | null>`max(${invitationEvents.seq})` })
    .from(invitationEvents)
    .where(eq(invitationEvents.organizationId, organizationId));
  return Number(row?.seq ?? 0);
}

// Idempotency keys.

export type Claim = { kind: 'new' } | { kind: 'replay'; result: Record<string, unknown> } | { kind: 'conflict' };

/**
 * Claims `key` inside the caller's transaction. A concurrent request with the same key waits on
 * the insert until the first one commits (then replays) or rolls back (then claims it itself).
 */
export async function claimIdempotencyKey(
  tx: Tx,
  claim: { scope: string; key: string; hash: string; now: Date; ttlSeconds: number },
): Promise<Claim> {
  const where = and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key));
  await tx.delete(idempotencyKeys).where(and(where, lte(idempotencyKeys.expiresAt, claim.now)));
  const inserted = await tx
    .insert(idempotencyKeys)
    .values({
      scope: claim.scope,
      key: claim.key,
      requestHash: claim.hash,
      expiresAt: new Date(claim.now.getTime() + claim.ttlSeconds * 1000),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { kind: 'new' };
  const [existing] = await tx.select().from(idempotencyKeys).where(where);
  if (!existing || existing.requestHash !== claim.hash) return { kind: 'conflict' };
  return { kind: 'replay', result: existing.result ?? {} };
}

export async function storeIdempotentResult(tx: Tx, scope: string, key: string, result: Record<string, unknown>) {
  await tx
    .update(idempotencyKeys)
    .set({ result })
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

// The accounts' tables, as the invitation flows read and write them.

/** The member's role in the organisation, if a member. */
export async function membershipOf(executor: Executor, organizationId: string, userId: string) {
  const [row] = await executor
    .select({ role: memberships.role, permissions: memberships.permissions, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  return row;
}

/** Of these users, which manage which of these organisations: `userId organizationId` pairs. */
export async function managersAmong(executor: Executor, userIds: string[], organizationIds: string[]) {
  const rows = await executor
    .select({ userId: memberships.userId, organizationId: memberships.organizationId })
    .from(memberships)
    .where(
      and(
        inArray(memberships.userId, userIds),
        inArray(memberships.organizationId, organizationIds),
        inArray(memberships.role, [...MANAGER_ROLES]),
      ),
    );
  return new Set(rows.map((row) => `${row.userId} ${row.organizationId}`));
}

/** The account using an address, locked until the transaction ends. */
export async function userByEmailLocked(tx: Tx, email: string): Promise<User | undefined> {
  const [row] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`).for('update');
  return row;
}

/** The account an anonymous accept makes; undefined when another accept made it first. */
export async function insertUser(tx: Tx, values: typeof users.$inferInsert): Promise<User | undefined> {
  const [row] = await tx.insert(users).values(values).onConflictDoNothing().returning();
  return row;
}

export async function isMember(tx: Tx, organizationId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  return row !== undefined;
}

export async function insertMembership(tx: Tx, values: typeof memberships.$inferInsert): Promise<string> {
  const [row] = await tx.insert(memberships).values(values).returning({ id: memberships.id });
  if (!row) throw new Error('insert returned no membership');
  return row.id;
}

/** What the public preview shows besides the invitation. */
export async function previewNames(executor: Executor, invitation: Invitation) {
  const [row] = await executor
    .select({ organizationName: organizations.name, inviterName: users.name })
    .from(organizations)
    .leftJoin(users, eq(users.id, invitation.invitedById ?? sql`null`))
    .where(eq(organizations.id, invitation.organizationId));
  return row;
}

/** The open invitations to `email`, newest first, with the names their previews show. */
export async function pendingPreviewRows(executor: Executor, email: string, now: Date) {
  return executor
    .select({ invitation: invitations, organizationName: organizations.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(users, eq(users.id, invitations.invitedById))
    .where(pendingForEmailSql(invitations, email, now))
    .orderBy(desc(invitations.createdAt), desc(invitations.id));
}

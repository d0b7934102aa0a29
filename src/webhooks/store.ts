// Every SQL statement of the webhooks domain: endpoints, the messages and their deliveries (the
// webhooks' outbox) from queueing to their end, and the attempts. Talks to the database only;
// callers pass the time.
import { and, asc, desc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../db/client.js';
import {
  memberships,
  type WebhookDeliveryState,
  type WebhookEventType,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookMessages,
} from '../db/schema/index.js';

export type Endpoint = typeof webhookEndpoints.$inferSelect;
export type Delivery = typeof webhookDeliveries.$inferSelect;
export type Message = typeof webhookMessages.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

// Endpoints.

export const endpointsOf = (executor: Executor, organizationId: string) =>
  executor
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.organizationId, organizationId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));

/** The organisation's enabled endpoints, for queueing an event. */
export const enabledEndpointsOf = (executor: Executor, organizationId: string) =>
  executor
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.organizationId, organizationId), eq(webhookEndpoints.enabled, true)));

export async function endpointById(executor: Executor, id: string): Promise<Endpoint | undefined> {
  const [row] = await executor.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row;
}

/**
 * Locks an endpoint against other changes to it. NO KEY UPDATE: the transactions that queue
 * deliveries for it (holding the audit chain) only take the foreign key's KEY SHARE, which this
 * lets through, so a change to the endpoint never waits on them while they wait on it.
 */
export async function lockEndpoint(tx: Tx, id: string): Promise<Endpoint | undefined> {
  const [row] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('no key update');
  return row;
}

export async function insertEndpoint(tx: Tx, values: typeof webhookEndpoints.$inferInsert): Promise<Endpoint> {
  const [row] = await tx.insert(webhookEndpoints).values(values).returning();
  if (!row) throw new Error('insertEndpoint: no row returned');
  return row;
}

export async function updateEndpoint(tx: Executor, id: string, set: Partial<Endpoint>): Promise<Endpoint> {
  const [row] = await tx.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)).returning();
  if (!row) throw new Error('updateEndpoint: no row');
  return row;
}

export async function deleteEndpoint(tx: Tx, id: string) {
  await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
}

// Messages and deliveries.

/** Inserts messages (RETURNING in the order of VALUES) and one delivery per message and endpoint. */
export async function insertMessages(
  tx: Executor,
  messages: { organizationId: string; type: WebhookEventType; data: Record<string, unknown>; endpointIds: string[] }[],
  at: Date,
) {
  if (messages.length === 0) return;
  const rows = await tx
    .insert(webhookMessages)
    .values(messages.map((m) => ({ organizationId: m.organizationId, type: m.type, data: m.data, createdAt: at })))
    .returning({ id: webhookMessages.id });
  const deliveries = messages.flatMap((m, i) =>
    m.endpointIds.map((endpointId) => ({
      messageId: rows[i]?.id as string,
      endpointId,
      organizationId: m.organizationId,
      availableAt: at,
      createdAt: at,
    })),
  );
  await tx.insert(webhookDeliveries).values(deliveries);
}

/**
 * Leases up to `batchSize` due deliveries of enabled endpoints (FOR UPDATE SKIP LOCKED), at most
 * `perEndpoint` in flight per endpoint counting every worker's live leases, oldest first.
 */
export async function claimDueDeliveries(
  db: Db,
  lease: { workerId: string; now: Date; until: Date; batchSize: number; perEndpoint: number },
) {
  const d = webhookDeliveries;
  const due = or(
    and(inArray(d.state, ['QUEUED', 'RETRY']), lte(d.availableAt, lease.now)),
    // A worker that died holding a lease: due again once the lease runs out.
    and(eq(d.state, 'SENDING'), lte(d.lockedUntil, lease.now)),
  );
  // Each endpoint's due rows ranked oldest first, beside its requests in flight (live leases), counted once.
  const ranked = sql`select ranked.id from (
      select ${d.id} as id, row_number() over (partition by ${d.endpointId} order by ${d.availableAt}, ${d.createdAt}) as rank,
        coalesce(busy.n, 0) as busy
      from ${webhookDeliveries}
      join ${webhookEndpoints} on ${webhookEndpoints.id} = ${d.endpointId} and ${webhookEndpoints.enabled}
      left join (
        select endpoint_id, count(*) as n from ${webhookDeliveries}
        where state = 'SENDING' and locked_until > ${lease.now} group by endpoint_id
      ) busy on busy.endpoint_id = ${d.endpointId}
      where ${due}
    ) ranked where ranked.rank + ranked.busy <= ${lease.perEndpoint}`;
  const picked = db
    .select({ id: d.id })
    .from(d)
    .where(and(sql`${d.id} in (${ranked})`, due))
    .orderBy(asc(d.availableAt))
    .limit(lease.batchSize)
    .for('update', { skipLocked: true });
  return db
    .update(d)
    .set({ state: 'SENDING', lockedBy: lease.workerId, lockedUntil: lease.until, tries: sql`${d.tries} + 1` })
    .where(inArray(d.id, picked))
    .returning();
}

/** What a claimed delivery's request needs: its message and its endpoint. */
export async function deliveryContext(executor: Executor, deliveryId: string) {
  const [row] = await executor
    .select({ delivery: webhookDeliveries, message: webhookMessages, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  return row;
}

/** Ends or reschedules a delivery this worker still holds; false when its lease went elsewhere. */
export async function settleDelivery(
  tx: Tx,
  id: string,
  workerId: string,
  end: { state: WebhookDeliveryState; at: Date; error?: string | null; availableAt?: Date },
): Promise<boolean> {
  const ended = end.state === 'SUCCEEDED' || end.state === 'FAILED';
  const rows = await tx
    .update(webhookDeliveries)
    .set({
      state: end.state,
      lockedBy: null,
      lockedUntil: null,
      lastError: end.error ?? null,
      ...(end.availableAt ? { availableAt: end.availableAt } : {}),
      ...(ended ? { finishedAt: end.at } : {}),
    })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.lockedBy, workerId),
        eq(webhookDeliveries.state, 'SENDING'),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

/** Gives back deliveries this worker claimed and has not begun, due again at once; the claim's try taken back. */
export function releaseDeliveries(db: Db, workerId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .update(webhookDeliveries)
    .set({
      state: sql`case when ${webhookDeliveries.tries} <= 1 then 'QUEUED' else 'RETRY' end`,
      lockedBy: null,
      lockedUntil: null,
      tries: sql`greatest(${webhookDeliveries.tries} - 1, 0)`,
    })
    .where(
      and(
        eq(webhookDeliveries.lockedBy, workerId),
        eq(webhookDeliveries.state, 'SENDING'),
        inArray(webhookDeliveries.id, ids),
      ),
    )
    .returning({ id: webhookDeliveries.id });
}

export async function insertAttempt(tx: Executor, values: typeof webhookAttempts.$inferInsert) {
  await tx.insert(webhookAttempts).values(values);
}

/** A delivery with its organisation, for redelivery: locked. */
export async function lockDelivery(tx: Tx, id: string): Promise<Delivery | undefined> {
  const [row] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).for('update');
  return row;
}

/** Queues a delivery again with a fresh schedule, unless a worker is sending it now. */
export async function requeueDelivery(tx: Tx, id: string, at: Date): Promise<Delivery> {
  const [row] = await tx
    .update(webhookDeliveries)
    .set({ state: 'QUEUED', tries: 0, availableAt: at, finishedAt: null, lockedBy: null, lockedUntil: null })
    .where(eq(webhookDeliveries.id, id))
    .returning();
  if (!row) throw new Error('requeueDelivery: no row');
  return row;
}

export const deliveriesOf = (executor: Executor, endpointId: string, limit: number) =>
  executor
    .select({ delivery: webhookDeliveries, message: webhookMessages })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookMessages.seq))
    .limit(limit);

export const attemptsOf = (executor: Executor, deliveryIds: string[]) =>
  deliveryIds.length === 0
    ? Promise.resolve([] as AttemptRow[])
    : executor
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, deliveryIds))
        .orderBy(asc(webhookAttempts.createdAt), asc(webhookAttempts.id));

/** The viewer's role in the organisation, read in the caller's transaction (undefined: not a member). */
export async function roleIn(executor: Executor, organizationId: string, userId: string) {
  const [row] = await executor
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  return row?.role;
}

export const countEndpoints = (executor: Executor, organizationId: string) =>
  executor.$count(webhookEndpoints, eq(webhookEndpoints.organizationId, organizationId));

// Delivery status changes and engagement, each with its timeline event and a change to publish
// after commit; shared by the worker and the provider webhook.
import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import { type DeliveryStatus, type InvitationEventType, invitationEvents, invitations } from '../db/schema/index.js';
import type { InvitationChange } from '../events/bus.js';

type Invitation = typeof invitations.$inferSelect;

async function appendEvent(
  tx: Executor,
  log: InvitationChange[],
  invitation: Invitation,
  type: InvitationEventType,
  at: Date,
  data: Record<string, unknown>,
) {
  await tx.insert(invitationEvents).values({
    invitationId: invitation.id,
    organizationId: invitation.organizationId,
    type,
    data,
    createdAt: at,
  });
  log.push({
    invitationId: invitation.id,
    organizationId: invitation.organizationId,
    type,
    status: invitation.status,
    deliveryStatus: invitation.deliveryStatus,
    at: at.toISOString(),
  });
}

/** `case <id column> when <id> then <value> … else <column> end`: a value per row in one UPDATE. */
export const perRow = (id: AnyPgColumn, column: AnyPgColumn, values: [string, string][]): SQL =>
  sql`case ${id} ${sql.join(
    values.map(([key, value]) => sql`when ${key}::uuid then ${value}`),
    sql` `,
  )} else ${column} end`;

/**
 * Moves the delivery status of each invitation to `to`, once: repeating a status records nothing.
 * One UPDATE and one INSERT whatever their number, since the rollup triggers run once per
 * statement. `data` adds to each timeline event; a `messageId` in it is kept on the invitation.
 */
export async function recordDeliveryStatuses(
  tx: Executor,
  log: InvitationChange[],
  moving: Invitation[],
  to: DeliveryStatus,
  at: Date,
  data: (invitation: Invitation) => Record<string, unknown> = () => ({}),
) {
  const changed = moving
    .filter((invitation) => invitation.deliveryStatus !== to)
    .map((invitation) => ({ invitation, data: data(invitation) }));
  if (changed.length === 0) return;
  const messageIds = changed.flatMap(({ invitation, data }): [string, string][] =>
    data.messageId ? [[invitation.id, String(data.messageId)]] : [],
  );
  await Promise.all([
    tx
      .update(invitations)
      .set({
        deliveryStatus: to,
        updatedAt: at,
        ...(messageIds.length > 0 ? { messageId: perRow(invitations.id, invitations.messageId, messageIds) } : {}),
      })
      .where(
        inArray(
          invitations.id,
          changed.map((c) => c.invitation.id),
        ),
      ),
    tx.insert(invitationEvents).values(
      changed.map((c) => ({
        invitationId: c.invitation.id,
        organizationId: c.invitation.organizationId,
        type: 'DELIVERY_STATUS_CHANGED' as const,
        data: { from: c.invitation.deliveryStatus, to, ...c.data },
        createdAt: at,
      })),
    ),
  ]);
  for (const { invitation } of changed) {
    log.push({
      invitationId: invitation.id,
      organizationId: invitation.organizationId,
      type: 'DELIVERY_STATUS_CHANGED',
      status: invitation.status,
      deliveryStatus: to,
      at: at.toISOString(),
    });
  }
}

/** recordDeliveryStatuses for one invitation. */
export const recordDeliveryStatus = (
  tx: Executor,
  log: InvitationChange[],
  invitation: Invitation,
  to: DeliveryStatus,
  at: Date,
  data: Record<string, unknown> = {},
) => recordDeliveryStatuses(tx, log, [invitation], to, at, () => data);

/** A deferral, or a first open or click: a timeline event; opens and clicks also set their time once. */
export async function recordEngagement(
  tx: Executor,
  log: InvitationChange[],
  invitation: Invitation,
  type: 'DELIVERY_DEFERRED' | 'OPENED' | 'CLICKED',
  at: Date,
  data: Record<string, unknown> = {},
) {
  if (type === 'OPENED' || type === 'CLICKED') {
    const column = type === 'OPENED' ? 'openedAt' : 'clickedAt';
    if (invitation[column]) return;
    await tx
      .update(invitations)
      .set({ [column]: at, updatedAt: at })
      .where(eq(invitations.id, invitation.id));
  }
  await appendEvent(tx, log, invitation, type, at, data);
}

// Delivery status changes and engagement, each with its timeline event and a change to publish
// after commit; shared by the worker and the provider webhook.
import { eq } from 'drizzle-orm';
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

/** Moves the delivery status to `to`, once: repeating a status records nothing. */
export async function recordDeliveryStatus(
  tx: Executor,
  log: InvitationChange[],
  invitation: Invitation,
  to: DeliveryStatus,
  at: Date,
  data: Record<string, unknown> = {},
) {
  if (invitation.deliveryStatus === to) return;
  await tx
    .update(invitations)
    .set({ deliveryStatus: to, updatedAt: at, ...(data.messageId ? { messageId: String(data.messageId) } : {}) })
    .where(eq(invitations.id, invitation.id));
  await appendEvent(tx, log, { ...invitation, deliveryStatus: to }, 'DELIVERY_STATUS_CHANGED', at, {
    from: invitation.deliveryStatus,
    to,
    ...data,
  });
}

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

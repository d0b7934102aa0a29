// Delivery status changes and engagement, each with its timeline event and a change to publish
// after commit; shared by the worker, the provider webhook and the tracker. The rows are written
// through the invitations store.
import type { Executor } from '../db/client.js';
import type { DeliveryStatus } from '../db/schema/index.js';
import type { ChangeLog } from '../invitations/changes.js';
import { appendEvent, appendEvents, type Invitation, setDeliveryStatuses, setEngagedAt } from '../invitations/store.js';

/**
 * Moves the delivery status of each invitation to `to`, once: repeating a status records nothing.
 * One UPDATE and one INSERT whatever their number, since the rollup triggers run once per
 * statement. `data` adds to each timeline event; a `messageId` in it is kept on the invitation.
 */
export async function recordDeliveryStatuses(
  tx: Executor,
  log: ChangeLog,
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
    setDeliveryStatuses(
      tx,
      changed.map((c) => c.invitation.id),
      to,
      at,
      messageIds,
    ),
    appendEvents(
      tx,
      log,
      changed.map((c) => ({
        invitation: { ...c.invitation, deliveryStatus: to },
        event: {
          type: 'DELIVERY_STATUS_CHANGED' as const,
          at,
          data: { from: c.invitation.deliveryStatus, to, ...c.data },
        },
      })),
    ),
  ]);
}

/** recordDeliveryStatuses for one invitation. */
export const recordDeliveryStatus = (
  tx: Executor,
  log: ChangeLog,
  invitation: Invitation,
  to: DeliveryStatus,
  at: Date,
  data: Record<string, unknown> = {},
) => recordDeliveryStatuses(tx, log, [invitation], to, at, () => data);

/** A deferral, or a first open or click: a timeline event; opens and clicks also set their time once. */
export async function recordEngagement(
  tx: Executor,
  log: ChangeLog,
  invitation: Invitation,
  type: 'DELIVERY_DEFERRED' | 'OPENED' | 'CLICKED',
  at: Date,
  data: Record<string, unknown> = {},
) {
  if (type === 'OPENED' || type === 'CLICKED') {
    const column = type === 'OPENED' ? 'openedAt' : 'clickedAt';
    if (invitation[column]) return;
    await setEngagedAt(tx, invitation.id, column, at);
  }
  await appendEvent(tx, log, invitation, { type, at, data });
}

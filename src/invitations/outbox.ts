// The port through which an invitation's email is queued, in the transaction that issues it: the
// delivery side implements it (src/delivery/outbox.ts), src/services.ts wires it in.
import type { Tx } from '../db/client.js';
import type { Invitation } from './store.js';

export interface Outbox {
  /**
   * Queues the email carrying `link` for `invitation`; older attempts still queued are superseded
   * by it. `requestId` names the request that queued it, for the delivery's log lines.
   */
  queue(
    tx: Tx,
    invitation: Pick<Invitation, 'id' | 'organizationId' | 'attempts'>,
    link: string,
    requestId?: string | null,
  ): Promise<void>;
}

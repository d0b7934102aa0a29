// An endpoint's run of failures: a success ends it, the first failure starts it, and a failure
// WEBHOOK_DISABLE_AFTER_HOURS after the run started disables the endpoint, with an audit entry
// (by the system) and a `webhook_endpoint.disabled` message to the organisation's other endpoints.
// Its deliveries wait, unclaimed, until an admin enables it again. Talks to the webhooks store and
// the audit log, in the caller's transaction.
import { createAuditLog } from '../audit/log.js';
import type { Tx } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { queueFacts } from './recorder.js';
import { type Endpoint, lockEndpoint, updateEndpoint } from './store.js';

export function createDisabling(deps: { clock: Clock; logger: Logger; disableAfterHours: number }) {
  const { clock, logger } = deps;
  const audit = createAuditLog({ clock });
  const system = { userId: null, ip: null, userAgent: null };

  return {
    async succeeded(tx: Tx, endpoint: Endpoint) {
      if (endpoint.failingSince !== null) await updateEndpoint(tx, endpoint.id, { failingSince: null });
    },

    /** Notes a failure; true when it disabled the endpoint. */
    async failed(tx: Tx, endpointId: string): Promise<boolean> {
      const endpoint = await lockEndpoint(tx, endpointId);
      if (!endpoint) return false;
      const now = clock.now();
      if (endpoint.failingSince === null) {
        await updateEndpoint(tx, endpoint.id, { failingSince: now });
        return false;
      }
      const hours = (now.getTime() - endpoint.failingSince.getTime()) / 3_600_000;
      if (!endpoint.enabled || hours < deps.disableAfterHours) return false;
      const reason = `Every delivery failed for ${deps.disableAfterHours} hours (since ${endpoint.failingSince.toISOString()})`;
      await updateEndpoint(tx, endpoint.id, {
        enabled: false,
        disabledAt: now,
        disabledReason: reason,
        updatedAt: now,
      });
      await audit.record(tx, system, {
        organizationId: endpoint.organizationId,
        action: 'webhook_endpoint.disabled',
        targetType: 'WebhookEndpoint',
        targetId: endpoint.id,
        data: { before: { enabled: true }, after: { enabled: false }, reason },
      });
      await queueFacts(
        tx,
        [
          {
            organizationId: endpoint.organizationId,
            type: 'webhook_endpoint.disabled',
            data: {
              organizationId: endpoint.organizationId,
              endpointId: endpoint.id,
              url: endpoint.url,
              reason,
              occurredAt: now.toISOString(),
            },
          },
        ],
        now,
      );
      logger.warn('webhook endpoint disabled', { endpoint: endpoint.id, failingSince: endpoint.failingSince });
      return true;
    },
  };
}

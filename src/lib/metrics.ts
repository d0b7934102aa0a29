// The metrics port: what the domain reports about itself, as plain calls. The domain modules call
// it in one line each and never import prom-client; src/metrics/ implements it (a no-op when none
// is passed, as in tests that build a worker or a service on their own).
import type { DomainError, Result } from './errors.js';

export interface Metrics {
  /** A sendInvitation finished: sent (a replay is neither), or refused with its typed code. */
  invitationSend(outcome: { sent: true; replayed: boolean } | { sent: false; reason: string }, seconds: number): void;
  /** Delivery attempts ended (SENT, FAILED, REJECTED, SUPERSEDED) or a provider said DELIVERED or BOUNCED. */
  deliveryOutcome(status: string, count?: number): void;
  /** A refused send was scheduled to be tried again. */
  deliveryRetry(): void;
  /** An invitee accepted or declined an invitation. */
  invitationResponse(response: 'ACCEPTED' | 'DECLINED'): void;
  /** A provider webhook event, by its type and what applying it did. */
  webhookEvent(type: string, result: 'applied' | 'duplicate' | 'unmatched'): void;
  /** An outbound webhook request ended: SUCCEEDED, RETRY (failed, tried again later) or FAILED (for good). */
  webhookDelivery(outcome: 'SUCCEEDED' | 'RETRY' | 'FAILED'): void;
}

export const noMetrics: Metrics = {
  invitationSend: () => {},
  deliveryOutcome: () => {},
  deliveryRetry: () => {},
  invitationResponse: () => {},
  webhookEvent: () => {},
  webhookDelivery: () => {},
};

/** Runs a send and reports its outcome and duration; an exception is reported as ERROR and rethrown. */
export async function observeSend<T extends { replayed: boolean }, E extends DomainError>(
  metrics: Metrics,
  send: () => Promise<Result<T, E>>,
): Promise<Result<T, E>> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await send();
    metrics.invitationSend(
      result.ok ? { sent: true, replayed: result.value.replayed } : { sent: false, reason: result.error.code },
      seconds(),
    );
    return result;
  } catch (error) {
    metrics.invitationSend({ sent: false, reason: 'ERROR' }, seconds());
    throw error;
  }
}

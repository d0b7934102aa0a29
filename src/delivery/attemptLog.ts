// What every log line about a delivery attempt carries: the attempt, its invitation and the id of
// the request that queued it (x-request-id), so an operator follows one send from the API's
// request line to the worker's lines.
import type { Logger } from '../lib/logger.js';
import type { Attempt } from './store.js';

export const attemptLogger = (logger: Logger, attempt: Attempt): Logger =>
  logger.child({ attempt: attempt.id, invitation: attempt.invitationId, requestId: attempt.requestId });

// The expected failures of managing webhook endpoints.
import { DomainError } from '../lib/errors.js';

export class WebhookUrlRefusedError extends DomainError {
  readonly code = 'WEBHOOK_URL_REFUSED';
}

export class TooManyWebhookEndpointsError extends DomainError {
  readonly code = 'TOO_MANY_WEBHOOK_ENDPOINTS';
  constructor(readonly limit: number) {
    super(`An organization has at most ${limit} webhook endpoints; delete one first`);
  }
}

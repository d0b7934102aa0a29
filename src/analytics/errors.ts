// Expected refusals of the analytics fields; each becomes a typed result in the schema.
import { DomainError } from '../lib/errors.js';

export class FeatureDisabledError extends DomainError {
  readonly code = 'FEATURE_DISABLED';
  constructor(readonly feature: string) {
    super(`${feature} is switched off on this server`);
  }
}

export class InvalidRangeError extends DomainError {
  readonly code = 'INVALID_RANGE';
}

export class UnknownTimeZoneError extends DomainError {
  readonly code = 'UNKNOWN_TIME_ZONE';
  constructor(readonly timeZone: string) {
    super(`Unknown time zone "${timeZone}"; use an IANA name such as Europe/Berlin`);
  }
}

/** The refusal every analytics field answers while INVITATION_ANALYTICS_ENABLED=false, else null. */
export const analyticsDisabled = (config: { INVITATION_ANALYTICS_ENABLED: boolean }): FeatureDisabledError | null =>
  config.INVITATION_ANALYTICS_ENABLED ? null : new FeatureDisabledError('Invitation analytics');

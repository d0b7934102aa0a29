// The expected failures each service method can return, exactly: the GraphQL layer declares each
// field's error union from them. Checked by the type checker (`npm run check`); the test itself
// only runs the assertions' no-op.
import { describe, expectTypeOf, it } from 'vitest';
import type { AccountService } from '../src/accounts/service.js';
import type { FeatureDisabledError, InvalidRangeError, UnknownTimeZoneError } from '../src/analytics/errors.js';
import type { AnalyticsService, InvitationStats } from '../src/analytics/service.js';
import type {
  EmailTakenError,
  InvalidCredentialsError,
  LastOwnerError,
  NotFoundError,
  Result,
  RoleNotAllowedError,
  TooManyAttemptsError,
} from '../src/lib/errors.js';

type ErrorOf<F> = F extends (...args: never[]) => Promise<infer R>
  ? R extends { ok: false; error: infer E }
    ? E
    : never
  : never;

describe('service error types', () => {
  it('name exactly the failures each accounts method can return', () => {
    expectTypeOf<ErrorOf<AccountService['signUp']>>().toEqualTypeOf<EmailTakenError>();
    expectTypeOf<ErrorOf<AccountService['logIn']>>().toEqualTypeOf<TooManyAttemptsError | InvalidCredentialsError>();
    expectTypeOf<ErrorOf<AccountService['createOrganization']>>().toEqualTypeOf<never>();
    expectTypeOf<ErrorOf<AccountService['updateOrganizationSettings']>>().toEqualTypeOf<NotFoundError>();
    type MemberChange = NotFoundError | RoleNotAllowedError | LastOwnerError;
    expectTypeOf<ErrorOf<AccountService['updateMemberRole']>>().toEqualTypeOf<MemberChange>();
    expectTypeOf<ErrorOf<AccountService['removeMember']>>().toEqualTypeOf<MemberChange>();
  });

  it('name exactly the failures each analytics method can return', () => {
    expectTypeOf<ErrorOf<AnalyticsService['stats']>>().toEqualTypeOf<FeatureDisabledError | InvalidRangeError>();
    expectTypeOf<ErrorOf<AnalyticsService['series']>>().toEqualTypeOf<
      FeatureDisabledError | InvalidRangeError | UnknownTimeZoneError
    >();
    expectTypeOf<ReturnType<AnalyticsService['statsChanges']>>().toEqualTypeOf<
      AsyncGenerator<Result<InvitationStats, FeatureDisabledError | InvalidRangeError>>
    >();
  });
});

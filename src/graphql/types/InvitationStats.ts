import { z } from 'zod';
import { FeatureDisabledError, InvalidRangeError } from '../../analytics/errors.js';
import type { Rate as RateValue, InvitationStats as Stats } from '../../analytics/service.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { unwrap } from '../result.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { InvitationStatus } from './InvitationStatus.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';
import { inputErrors } from './UserError.js';

export const analyticsErrors = [...inputErrors, FeatureDisabledError, InvalidRangeError];

const Rate = builder.objectRef<RateValue>('Rate').implement({
  description: 'A share, with what it was computed from',
  fields: (t) => ({
    numerator: t.exposeInt('numerator'),
    denominator: t.exposeInt('denominator'),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'numerator / denominator; null when nothing was counted',
    }),
  }),
});

const StatusCount = builder
  .objectRef<{ status: keyof Stats['byStatus']; count: number }>('InvitationStatusCount')
  .implement({
    fields: (t) => ({
      status: t.field({ type: InvitationStatus, resolve: (c) => c.status }),
      count: t.exposeInt('count'),
    }),
  });

type DeliveryKey = 'validating' | 'sending' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'rejected';
const DeliveryStatusCount = builder
  .objectRef<{ status: Uppercase<DeliveryKey>; count: number }>('DeliveryStatusCount')
  .implement({
    fields: (t) => ({
      status: t.field({ type: DeliveryStatus, resolve: (c) => c.status }),
      count: t.exposeInt('count'),
    }),
  });

const FunnelStep = builder.enumType('FunnelStep', {
  values: ['SENT', 'DELIVERED', 'OPENED', 'CLICKED', 'ACCEPTED'] as const,
});

const FunnelStage = builder.objectRef<Stats['funnel'][number]>('FunnelStage').implement({
  description:
    'Invitations that reached at least this step (a click implies an open, an accept implies the link was followed), and the share of the step before (of all invitations for SENT)',
  fields: (t) => ({
    step: t.field({ type: FunnelStep, resolve: (s) => s.step }),
    count: t.exposeInt('count'),
    conversion: t.field({ type: Rate, resolve: (s) => s.conversion }),
  }),
});

const StatsRates = builder.objectRef<Stats['rates']>('InvitationRates').implement({
  fields: (t) => ({
    acceptance: t.field({ type: Rate, description: 'Accepted of invited', resolve: (r) => r.acceptance }),
    delivery: t.field({ type: Rate, description: 'Delivered of sent', resolve: (r) => r.delivery }),
    bounce: t.field({ type: Rate, description: 'Bounced of sent', resolve: (r) => r.bounce }),
    open: t.field({ type: Rate, description: 'Opened of delivered', resolve: (r) => r.open }),
    click: t.field({ type: Rate, description: 'Clicked of delivered', resolve: (r) => r.click }),
    resend: t.field({ type: Rate, description: 'Resent at least once, of invited', resolve: (r) => r.resend }),
    customMessage: t.field({
      type: Rate,
      description: 'With a custom message, of invited',
      resolve: (r) => r.customMessage,
    }),
  }),
});

const TimeToAccept = builder.objectRef<Stats['timeToAccept']>('TimeToAccept').implement({
  description:
    'From creation to acceptance. Percentiles come from a histogram with 16 buckets per doubling: each is the upper edge of its bucket, at most 4.5% above the exact value.',
  fields: (t) => ({
    accepted: t.exposeInt('accepted'),
    medianSeconds: t.exposeInt('medianSeconds', { nullable: true }),
    p90Seconds: t.exposeInt('p90Seconds', { nullable: true }),
  }),
});

const RoleBreakdown = builder.objectRef<Stats['byRole'][number]>('RoleBreakdown').implement({
  fields: (t) => ({
    role: t.field({ type: Role, resolve: (b) => b.role }),
    invited: t.exposeInt('invited'),
    accepted: t.exposeInt('accepted'),
    acceptance: t.field({ type: Rate, resolve: (b) => b.acceptance }),
  }),
});

const InviterBreakdown = builder.objectRef<Stats['byInviter'][number]>('InviterBreakdown').implement({
  fields: (t) => ({
    inviterId: t.id({
      nullable: true,
      description: 'The inviter’s User id; null when the account is gone',
      resolve: (b) => (b.inviter ? encodeGlobalID('User', b.inviter.id) : null),
    }),
    name: t.string({ nullable: true, resolve: (b) => b.inviter?.name ?? null }),
    email: t.string({ nullable: true, resolve: (b) => b.inviter?.email ?? null }),
    invited: t.exposeInt('invited'),
    accepted: t.exposeInt('accepted'),
    acceptance: t.field({ type: Rate, resolve: (b) => b.acceptance }),
  }),
});

const deliveryKeys: DeliveryKey[] = ['validating', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'rejected'];

export const InvitationStats = builder.objectRef<Stats>('InvitationStats').implement({
  description:
    'The invitations created in [from, to), as they stand now; every figure equals a recount of the raw rows',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', resolve: (s) => s.from }),
    to: t.field({ type: 'DateTime', resolve: (s) => s.to }),
    asOf: t.field({ type: 'DateTime', description: 'When these figures were read', resolve: (s) => s.asOf }),
    invited: t.int({ resolve: (s) => s.counts.invited }),
    byStatus: t.field({
      type: [StatusCount],
      description: 'A pending invitation past its expiry counts as EXPIRED, as everywhere else',
      resolve: (s) =>
        (Object.keys(s.byStatus) as (keyof Stats['byStatus'])[]).map((status) => ({
          status,
          count: s.byStatus[status],
        })),
    }),
    byDeliveryStatus: t.field({
      type: [DeliveryStatusCount],
      resolve: (s) =>
        deliveryKeys.map((key) => ({ status: key.toUpperCase() as Uppercase<DeliveryKey>, count: s.counts[key] })),
    }),
    rates: t.field({ type: StatsRates, resolve: (s) => s.rates }),
    funnel: t.field({ type: [FunnelStage], resolve: (s) => s.funnel }),
    timeToAccept: t.field({ type: TimeToAccept, resolve: (s) => s.timeToAccept }),
    expiringWithin48Hours: t.int({
      description: 'Pending invitations of the range that expire in the next 48 hours',
      resolve: (s) => s.expiringWithin48Hours,
    }),
    byRole: t.field({ type: [RoleBreakdown], resolve: (s) => s.byRole }),
    byInviter: t.field({
      type: [InviterBreakdown],
      description: 'Most invitations first',
      resolve: (s) => s.byInviter,
    }),
  }),
});

builder.queryField('invitationStats', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationStats,
    description: 'How the invitations created in [from, to) fared. Owners and admins; at most two years.',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      topInviters: t.arg.int({ defaultValue: 10, validate: z.number().int().min(1).max(100) }),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    errors: { types: analyticsErrors },
    resolve: async (_root, args, ctx) =>
      unwrap(
        await ctx.services.analytics.stats(args.organizationId.id, {
          from: args.from,
          to: args.to,
          topInviters: args.topInviters,
        }),
      ),
  }),
);

builder.subscriptionField('invitationStatsChanged', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationStats,
    description:
      'invitationStats now, then again while invitations change, at most once a second. Without from: the last 30 days; without to: up to each push. Owners and admins.',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization }),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      topInviters: t.arg.int({ defaultValue: 10, validate: z.number().int().min(1).max(100) }),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    errors: { types: analyticsErrors },
    subscribe: (_root, args, ctx) =>
      ctx.services.analytics.statsChanges(args.organizationId.id, args, () =>
        ctx.services.live.mayWatch(ctx.viewer.user.id, args.organizationId.id),
      ),
    resolve: (result) => unwrap(result),
  }),
);

import { z } from 'zod';
import { FeatureDisabledError, InvalidRangeError } from '../../analytics/errors.js';
import type { Rate as RateValue, InvitationStats as Stats } from '../../analytics/service.js';
import { builder } from '../builder.js';
import { encodeGlobalID } from '../globalId.js';
import { fieldErrors } from '../result.js';
import { DeliveryStatus } from './DeliveryStatus.js';
import { InvitationStatus } from './InvitationStatus.js';
import { Organization } from './Organization.js';
import { Role } from './Role.js';

/** What every analytics field can refuse. */
export const analyticsErrors = [FeatureDisabledError, InvalidRangeError] as const;

const errors = fieldErrors({ input: true, id: true }, ...analyticsErrors);

const Rate = builder.objectRef<RateValue>('Rate').implement({
  description: 'A share, with what it was computed from.',
  fields: (t) => ({
    numerator: t.exposeInt('numerator', { description: 'What was counted.' }),
    denominator: t.exposeInt('denominator', { description: 'Of how many.' }),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'numerator / denominator, from 0 to 1; null when the denominator is 0.',
    }),
  }),
});

const StatusCount = builder
  .objectRef<{ status: keyof Stats['byStatus']; count: number }>('InvitationStatusCount')
  .implement({
    description: 'How many invitations of the range stand at a status.',
    fields: (t) => ({
      status: t.field({ type: InvitationStatus, description: 'The status.', resolve: (c) => c.status }),
      count: t.exposeInt('count', { description: 'How many.' }),
    }),
  });

type DeliveryKey = 'validating' | 'sending' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'rejected';
const DeliveryStatusCount = builder
  .objectRef<{ status: Uppercase<DeliveryKey>; count: number }>('DeliveryStatusCount')
  .implement({
    description: 'How many invitations of the range stand at a delivery status.',
    fields: (t) => ({
      status: t.field({ type: DeliveryStatus, description: 'The delivery status.', resolve: (c) => c.status }),
      count: t.exposeInt('count', { description: 'How many.' }),
    }),
  });

const FunnelStep = builder.enumType('FunnelStep', {
  description: 'A step from sending to joining.',
  values: {
    SENT: { description: 'The email was handed to the mail server.' },
    DELIVERED: { description: 'The mail provider reported it delivered.' },
    OPENED: { description: 'The email was opened (tracking).' },
    CLICKED: { description: 'The link was followed.' },
    ACCEPTED: { description: 'The person joined.' },
  } as const,
});

const FunnelStage = builder.objectRef<Stats['funnel'][number]>('FunnelStage').implement({
  description:
    'Invitations that reached at least this step (a click implies an open, an accept implies the link was followed), and the share of the step before (of all invitations for SENT).',
  fields: (t) => ({
    step: t.field({ type: FunnelStep, description: 'The step.', resolve: (s) => s.step }),
    count: t.exposeInt('count', { description: 'Invitations that reached it.' }),
    conversion: t.field({ type: Rate, description: 'Of the step before.', resolve: (s) => s.conversion }),
  }),
});

const StatsRates = builder.objectRef<Stats['rates']>('InvitationRates').implement({
  description: 'The range’s rates, each with its numerator and denominator.',
  fields: (t) => ({
    acceptance: t.field({ type: Rate, description: 'Accepted, of invited.', resolve: (r) => r.acceptance }),
    delivery: t.field({ type: Rate, description: 'Delivered, of sent.', resolve: (r) => r.delivery }),
    bounce: t.field({ type: Rate, description: 'Bounced, of sent.', resolve: (r) => r.bounce }),
    open: t.field({ type: Rate, description: 'Opened, of delivered.', resolve: (r) => r.open }),
    click: t.field({ type: Rate, description: 'Clicked, of delivered.', resolve: (r) => r.click }),
    resend: t.field({ type: Rate, description: 'Resent at least once, of invited.', resolve: (r) => r.resend }),
    customMessage: t.field({
      type: Rate,
      description: 'With a personal note, of invited.',
      resolve: (r) => r.customMessage,
    }),
  }),
});

const TimeToAccept = builder.objectRef<Stats['timeToAccept']>('TimeToAccept').implement({
  description:
    'From creation to acceptance. Percentiles come from a histogram with 16 buckets per doubling: each is the upper edge of its bucket, at most 4.5% above the exact value.',
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'Accepted invitations measured.' }),
    medianSeconds: t.exposeInt('medianSeconds', { nullable: true, description: 'The median; null when none.' }),
    p90Seconds: t.exposeInt('p90Seconds', { nullable: true, description: 'The 90th percentile; null when none.' }),
  }),
});

const RoleBreakdown = builder.objectRef<Stats['byRole'][number]>('RoleBreakdown').implement({
  description: 'The range’s invitations offering one role.',
  fields: (t) => ({
    role: t.field({ type: Role, description: 'The role offered.', resolve: (b) => b.role }),
    invited: t.exposeInt('invited', { description: 'Invitations offering it.' }),
    accepted: t.exposeInt('accepted', { description: 'Of those, accepted.' }),
    acceptance: t.field({ type: Rate, description: 'Accepted, of invited.', resolve: (b) => b.acceptance }),
  }),
});

const InviterBreakdown = builder.objectRef<Stats['byInviter'][number]>('InviterBreakdown').implement({
  description: 'The range’s invitations sent by one person.',
  fields: (t) => ({
    inviterId: t.id({
      nullable: true,
      description: 'The inviter’s User id; null when the account is gone.',
      resolve: (b) => (b.inviter ? encodeGlobalID('User', b.inviter.id) : null),
    }),
    name: t.string({
      nullable: true,
      description: 'Their name; null when the account is gone.',
      resolve: (b) => b.inviter?.name ?? null,
    }),
    email: t.string({
      nullable: true,
      description: 'Their email; null when the account is gone.',
      resolve: (b) => b.inviter?.email ?? null,
    }),
    invited: t.exposeInt('invited', { description: 'Invitations they sent.' }),
    accepted: t.exposeInt('accepted', { description: 'Of those, accepted.' }),
    acceptance: t.field({ type: Rate, description: 'Accepted, of invited.', resolve: (b) => b.acceptance }),
  }),
});

const deliveryKeys: DeliveryKey[] = ['validating', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'rejected'];

export const InvitationStats = builder.objectRef<Stats>('InvitationStats').implement({
  description:
    'The invitations created in [from, to), as they stand now; every figure equals a recount of the raw rows.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'The range’s start (included).', resolve: (s) => s.from }),
    to: t.field({ type: 'DateTime', description: 'The range’s end (excluded).', resolve: (s) => s.to }),
    asOf: t.field({ type: 'DateTime', description: 'When these figures were read.', resolve: (s) => s.asOf }),
    invited: t.int({ description: 'Invitations created in the range.', resolve: (s) => s.counts.invited }),
    byStatus: t.field({
      type: [StatusCount],
      description: 'Every status with its count; a pending invitation past its expiry counts as EXPIRED.',
      resolve: (s) =>
        (Object.keys(s.byStatus) as (keyof Stats['byStatus'])[]).map((status) => ({
          status,
          count: s.byStatus[status],
        })),
    }),
    byDeliveryStatus: t.field({
      type: [DeliveryStatusCount],
      description: 'Every delivery status with its count.',
      resolve: (s) =>
        deliveryKeys.map((key) => ({ status: key.toUpperCase() as Uppercase<DeliveryKey>, count: s.counts[key] })),
    }),
    rates: t.field({ type: StatsRates, description: 'The range’s rates.', resolve: (s) => s.rates }),
    funnel: t.field({ type: [FunnelStage], description: 'From sent to accepted, in order.', resolve: (s) => s.funnel }),
    timeToAccept: t.field({
      type: TimeToAccept,
      description: 'How long acceptance took.',
      resolve: (s) => s.timeToAccept,
    }),
    expiringWithin48Hours: t.int({
      description: 'Pending invitations of the range that expire in the next 48 hours.',
      resolve: (s) => s.expiringWithin48Hours,
    }),
    byRole: t.field({ type: [RoleBreakdown], description: 'Per role offered.', resolve: (s) => s.byRole }),
    byInviter: t.field({
      type: [InviterBreakdown],
      description: 'Per inviter, most invitations first, at most topInviters of them.',
      resolve: (s) => s.byInviter,
    }),
  }),
});

const topInvitersArg = {
  defaultValue: 10,
  validate: z.number().int().min(1).max(100),
  description: 'How many inviters byInviter lists, 1 to 100.',
};

builder.queryField('invitationStats', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationStats,
    nullable: true,
    description: 'How the invitations created in [from, to) fared. Owners and admins; at most two years.',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization, description: 'The organization.' }),
      from: t.arg({ type: 'DateTime', required: true, description: 'The range’s start (included).' }),
      to: t.arg({ type: 'DateTime', required: true, description: 'The range’s end (excluded).' }),
      topInviters: t.arg.int(topInvitersArg),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    errors: errors.union('The figures, or why they were refused.'),
    resolve: async (_root, args, ctx) =>
      errors.unwrap(
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
    nullable: true,
    description:
      'invitationStats now, then again while invitations change, at most once a second. Without from: the last 30 days; without to: up to each push. Owners and admins.',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization, description: 'The organization.' }),
      from: t.arg({ type: 'DateTime', description: 'The range’s start (included); default 30 days before each push.' }),
      to: t.arg({ type: 'DateTime', description: 'The range’s end (excluded); default each push’s time.' }),
      topInviters: t.arg.int(topInvitersArg),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    errors: errors.union('The figures at each push, or why they were refused.'),
    subscribe: (_root, args, ctx) =>
      ctx.services.analytics.statsChanges(args.organizationId.id, args, () =>
        ctx.services.live.mayWatch(ctx.viewer.user.id, args.organizationId.id),
      ),
    resolve: (result) => errors.unwrap(result),
  }),
);

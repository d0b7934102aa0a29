import { UnknownTimeZoneError } from '../../analytics/errors.js';
import { ACTIVITY_COUNTS, type SeriesBucket } from '../../analytics/service.js';
import { builder } from '../builder.js';
import { unwrap } from '../result.js';
import { analyticsErrors } from './InvitationStats.js';
import { Organization } from './Organization.js';

const AnalyticsInterval = builder.enumType('AnalyticsInterval', {
  description: 'Calendar periods in the requested time zone; weeks start on Monday',
  values: ['DAY', 'WEEK', 'MONTH'] as const,
});

const descriptions: Record<(typeof ACTIVITY_COUNTS)[number], string> = {
  invited: 'Invitations created',
  resent: 'Invitations resent',
  sent: 'Emails handed to the mail server',
  delivered: 'Emails the provider reported delivered',
  opened: 'Invitations opened for the first time',
  clicked: 'Invitation links followed for the first time',
  accepted: 'Invitations accepted',
  declined: 'Invitations declined',
  cancelled: 'Invitations withdrawn',
  expired: 'Invitations recorded expired (by the sweeper, within a minute of expiry)',
  bounced: 'Emails bounced',
  failed: 'Emails given up after every retry',
  rejected: 'Emails not sent: suppressed address or blocked domain',
};

const AnalyticsBucket = builder.objectRef<SeriesBucket>('AnalyticsBucket').implement({
  description: 'What happened in one period; periods with nothing in them are present with zeros',
  fields: (t) => ({
    period: t.field({ type: 'Date', description: 'The period’s first day', resolve: (b) => b.period }),
    from: t.field({
      type: 'DateTime',
      description: 'Where the period starts, clipped to the range',
      resolve: (b) => b.from,
    }),
    to: t.field({
      type: 'DateTime',
      description: 'Where it ends (excluded), clipped to the range',
      resolve: (b) => b.to,
    }),
    ...Object.fromEntries(
      ACTIVITY_COUNTS.map((name) => [name, t.int({ description: descriptions[name], resolve: (b) => b[name] })]),
    ),
  }),
});

const InvitationAnalytics = builder
  .objectRef<{ interval: 'DAY' | 'WEEK' | 'MONTH'; timeZone: string; buckets: SeriesBucket[] }>('InvitationAnalytics')
  .implement({
    fields: (t) => ({
      interval: t.field({ type: AnalyticsInterval, resolve: (a) => a.interval }),
      timeZone: t.exposeString('timeZone'),
      buckets: t.field({ type: [AnalyticsBucket], resolve: (a) => a.buckets }),
    }),
  });

builder.queryField('invitationAnalytics', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationAnalytics,
    description:
      'A series from `from` to `to` (calendar days in `timeZone`, both included), one entry per period. Owners and admins; at most two years.',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization }),
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      interval: t.arg({ type: AnalyticsInterval, defaultValue: 'DAY' }),
      timeZone: t.arg.string({ defaultValue: 'UTC', description: 'An IANA name, e.g. Europe/Berlin' }),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    errors: { types: [...analyticsErrors, UnknownTimeZoneError] },
    resolve: async (_root, args, ctx) => {
      const interval = args.interval ?? 'DAY';
      const timeZone = args.timeZone ?? 'UTC';
      const buckets = unwrap(
        await ctx.services.analytics.series(args.organizationId.id, {
          from: args.from,
          to: args.to,
          interval,
          timeZone,
        }),
      );
      return { interval, timeZone, buckets };
    },
  }),
);

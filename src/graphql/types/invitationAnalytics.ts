import { UnknownTimeZoneError } from '../../analytics/errors.js';
import { ACTIVITY_COUNTS, type SeriesBucket } from '../../analytics/service.js';
import { builder } from '../builder.js';
import { fieldErrors } from '../result.js';
import { analyticsErrors } from './InvitationStats.js';
import { Organization } from './Organization.js';

const AnalyticsInterval = builder.enumType('AnalyticsInterval', {
  description: 'Calendar periods in the requested time zone; weeks start on Monday.',
  values: {
    DAY: { description: 'One entry per calendar day.' },
    WEEK: { description: 'One entry per week, Monday to Sunday.' },
    MONTH: { description: 'One entry per calendar month.' },
  } as const,
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
  description: 'What happened in one period; periods with nothing in them are present with zeros.',
  fields: (t) => ({
    period: t.field({ type: 'Date', description: 'The period’s first day.', resolve: (b) => b.period }),
    from: t.field({
      type: 'DateTime',
      description: 'The instant the period starts, clipped to the range.',
      resolve: (b) => b.from,
    }),
    to: t.field({
      type: 'DateTime',
      description: 'The instant it ends (excluded), clipped to the range.',
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
    description: 'A series of what happened, one entry per period.',
    fields: (t) => ({
      interval: t.field({ type: AnalyticsInterval, description: 'The periods’ length.', resolve: (a) => a.interval }),
      timeZone: t.exposeString('timeZone', { description: 'The time zone the days are read in.' }),
      buckets: t.field({
        type: [AnalyticsBucket],
        description: 'Every period of the range in order, empty ones included.',
        resolve: (a) => a.buckets,
      }),
    }),
  });

const errors = fieldErrors({ id: true }, ...analyticsErrors, UnknownTimeZoneError);

builder.queryField('invitationAnalytics', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: InvitationAnalytics,
    nullable: true,
    description:
      'A series from `from` to `to` (calendar days in `timeZone`, both included), one entry per period. Owners and admins; at most two years.',
    args: {
      organizationId: t.arg.globalID({ required: true, for: Organization, description: 'The organization.' }),
      from: t.arg({ type: 'Date', required: true, description: 'The first day (included).' }),
      to: t.arg({ type: 'Date', required: true, description: 'The last day (included).' }),
      interval: t.arg({ type: AnalyticsInterval, defaultValue: 'DAY', description: 'The periods’ length.' }),
      timeZone: t.arg.string({ defaultValue: 'UTC', description: 'An IANA time zone name, e.g. Europe/Berlin.' }),
    },
    authScopes: (_root, args) => ({ admin: args.organizationId.id }),
    errors: errors.union('The series, or why it was refused.'),
    resolve: async (_root, args, ctx) => {
      const interval = args.interval ?? 'DAY';
      const timeZone = args.timeZone ?? 'UTC';
      const buckets = errors.unwrap(
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

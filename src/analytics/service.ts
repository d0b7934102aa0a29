// Invitation analytics read from the rollups the database keeps (see the analytics migration):
// stats over a cohort (invitations created in a range, as they stand now), an event series in the
// caller's time zone, and a live feed of fresh stats. Talks to the database and the event bus.
import { type SQL, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { MemberRole } from '../db/schema/index.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { fail, ok, type Result } from '../lib/errors.js';
import { FeatureDisabledError, InvalidRangeError, UnknownTimeZoneError } from './errors.js';

export const COHORT_COUNTS = [
  'invited',
  'pending',
  'accepted',
  'declined',
  'cancelled',
  'expired',
  'validating',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'failed',
  'rejected',
  'reached_sent',
  'reached_delivered',
  'reached_opened',
  'reached_clicked',
  'resent',
  'custom_message',
] as const;
type CohortCounts = Record<(typeof COHORT_COUNTS)[number], number>;

export const ACTIVITY_COUNTS = [
  'invited',
  'resent',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'accepted',
  'declined',
  'cancelled',
  'expired',
  'bounced',
  'failed',
  'rejected',
] as const;
export type ActivityCounts = Record<(typeof ACTIVITY_COUNTS)[number], number>;

export type Interval = 'DAY' | 'WEEK' | 'MONTH';

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when nothing was counted. */
  value: number | null;
}

export interface Breakdown {
  invited: number;
  accepted: number;
  acceptance: Rate;
}

export interface InvitationStats {
  from: Date;
  to: Date;
  /** The moment pending invitations were judged expired or not. */
  asOf: Date;
  counts: CohortCounts;
  /** Status counts as everywhere else: a pending invitation past its expiry counts as expired. */
  byStatus: Record<'PENDING' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED' | 'EXPIRED', number>;
  rates: Record<'acceptance' | 'delivery' | 'bounce' | 'open' | 'click' | 'resend' | 'customMessage', Rate>;
  funnel: { step: 'SENT' | 'DELIVERED' | 'OPENED' | 'CLICKED' | 'ACCEPTED'; count: number; conversion: Rate }[];
  timeToAccept: { accepted: number; medianSeconds: number | null; p90Seconds: number | null };
  expiringWithin48Hours: number;
  byRole: (Breakdown & { role: MemberRole })[];
  /** The top inviters by invitations sent; null inviter: the account is gone. */
  byInviter: (Breakdown & { inviter: { id: string; name: string; email: string } | null })[];
}

export interface SeriesBucket extends ActivityCounts {
  /** The period's first day in the time zone (a Monday for weeks, the 1st for months). */
  period: string;
  /** The part of the period inside the range, as instants. */
  from: Date;
  to: Date;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const STATS_PUSH_MS = 1000;
const DEFAULT_LIVE_RANGE_DAYS = 30;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

/** The upper edge, in whole seconds, of a time-to-accept bucket (see invitation_accept_bucket). */
export const acceptBucketCeiling = (bucket: number) => (bucket === 0 ? 1 : Math.ceil(2 ** (bucket / 16)));

/** Nearest-rank percentile over a histogram of [bucket, count] sorted by bucket. */
function percentile(histogram: { bucket: number; accepted: number }[], total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (const { bucket, accepted } of histogram) {
    seen += accepted;
    if (seen >= rank) return acceptBucketCeiling(bucket);
  }
  return null;
}

type Grain = 'HOUR' | 'DAY' | 'WEEK';
const GRAINS: [Grain, number, number][] = [
  ['HOUR', HOUR_MS, 0],
  ['DAY', DAY_MS, 0],
  // Weeks start on Monday: 1970-01-05 was the first.
  ['WEEK', 7 * DAY_MS, 4 * DAY_MS],
];

/**
 * [from, to) cut into the rollup periods that fit in it, the largest in the middle, and the partial
 * hours at either end that only the invitations themselves can answer.
 */
export function rangePieces(from: Date, to: Date) {
  const periods: { grain: Grain; from: Date; to: Date }[] = [];
  const raw: [Date, Date][] = [];
  const add = (grain: Grain | null, a: number, b: number) => {
    if (a >= b) return;
    if (grain) periods.push({ grain, from: new Date(a), to: new Date(b) });
    else raw.push([new Date(a), new Date(b)]);
  };
  let [lo, hi] = [from.getTime(), to.getTime()];
  let finer: Grain | null = null;
  for (const [grain, unit, origin] of GRAINS) {
    const start = Math.ceil((lo - origin) / unit) * unit + origin;
    const end = Math.floor((hi - origin) / unit) * unit + origin;
    if (start >= end) break;
    add(finer, lo, start);
    add(finer, end, hi);
    [lo, hi, finer] = [start, end, grain];
  }
  add(finer, lo, hi);
  return { periods, raw };
}

const addYears = (date: Date, years: number) => {
  const copy = new Date(date);
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
};

/** Rows of a raw statement, whichever driver runs it. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

const sums = (columns: readonly string[]) =>
  sql.raw(columns.map((c) => `coalesce(sum(${c}), 0)::int as ${c}`).join(', '));

const activityColumns = sql.raw(ACTIVITY_COUNTS.join(', '));
const zeroed = sql.raw(ACTIVITY_COUNTS.map((c) => `coalesce(c.${c}, 0) as ${c}`).join(', '));
const onHour = (instant: SQL) => sql`date_bin('1 hour', ${instant}, timestamptz '2000-01-01 00:00:00+00') = ${instant}`;

/** IANA names only: offsets and POSIX strings read differently in PostgreSQL and in browsers. */
function knownTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function createAnalyticsService(deps: {
  db: Db;
  clock: Clock;
  events: EventBus;
  config: Pick<Config, 'INVITATION_ANALYTICS_ENABLED'>;
}) {
  const { db, clock, events, config } = deps;

  const disabled = () =>
    config.INVITATION_ANALYTICS_ENABLED ? null : new FeatureDisabledError('Invitation analytics');

  function checkRange(from: Date, to: Date): InvalidRangeError | null {
    if (from > to) return new InvalidRangeError('The range ends before it starts');
    if (to > addYears(from, 2)) return new InvalidRangeError('The range may span at most two years');
    return null;
  }

  /**
   * The cohort [from, to) as SQL rows of facts: the rollup periods inside the range, the partial
   * hours at either end counted from the invitations themselves with the same facts function.
   */
  function cohortSources(organizationId: string, from: Date, to: Date) {
    const { periods, raw } = rangePieces(from, to);
    const rolled = (table: SQL, columns: SQL) =>
      periods.map(
        (p) => sql`select ${columns} from ${table} where organization_id = ${organizationId}
          and grain = ${p.grain} and period >= ${p.from} and period < ${p.to}`,
      );
    const unrolled = (columns: SQL, where: SQL = sql`true`) =>
      raw.length === 0
        ? []
        : [
            sql`select ${columns} from invitations i
              cross join lateral invitation_facts(i.status, i.delivery_status, i.created_at, i.responded_at,
                i.opened_at, i.clicked_at, i.attempts, i.message) f
              where i.organization_id = ${organizationId} and ${where} and (${sql.join(
                raw.map(([a, b]) => sql`(i.created_at >= ${a} and i.created_at < ${b})`),
                sql` or `,
              )})`,
          ];
    const union = (selects: SQL[], empty: SQL) =>
      selects.length === 0 ? sql`${empty} where false` : sql.join(selects, sql` union all `);
    const cohortColumns = sql.raw(`inviter_id, role, ${COHORT_COUNTS.join(', ')}`);
    const factColumns = sql.raw(COHORT_COUNTS.map((c) => `f.${c}`).join(', '));
    return {
      cohorts: union(
        [
          ...rolled(sql`invitation_cohorts`, cohortColumns),
          ...unrolled(sql`coalesce(i.invited_by_id, ${NIL_UUID}::uuid) as inviter_id, i.role, ${factColumns}`),
        ],
        sql`select ${cohortColumns} from invitation_cohorts`,
      ),
      acceptTimes: union(
        [
          ...rolled(sql`invitation_accept_times`, sql`bucket, accepted`),
          ...unrolled(sql`f.accept_bucket as bucket, 1 as accepted`, sql`i.status = 'ACCEPTED'`),
        ],
        sql`select bucket, accepted from invitation_accept_times`,
      ),
    };
  }

  async function computeStats(organizationId: string, from: Date, to: Date): Promise<InvitationStats> {
    const now = clock.now();
    const sources = cohortSources(organizationId, from, to);
    const soon = new Date(now.getTime() + 2 * DAY_MS);
    const [groups, histogram, [pendingNow]] = await Promise.all([
      rows<
        CohortCounts & {
          inviter_id: string | null;
          role: MemberRole | null;
          inviter_name: string | null;
          inviter_email: string | null;
        }
      >(
        db,
        sql`with g as (
            select inviter_id, role, ${sums(COHORT_COUNTS)} from (${sources.cohorts}) c
            group by grouping sets ((inviter_id), (role))
          )
          select g.*, u.name as inviter_name, u.email as inviter_email
          from g left join users u on g.role is null and u.id = g.inviter_id`,
      ),
      rows<{ bucket: number; accepted: number }>(
        db,
        sql`select bucket, sum(accepted)::int as accepted from (${sources.acceptTimes}) a
          group by bucket having sum(accepted) > 0 order by bucket`,
      ),
      rows<{ expired: number; expiring: number }>(
        db,
        sql`select count(*) filter (where expires_at <= ${now})::int as expired,
            count(*) filter (where expires_at > ${now})::int as expiring
          from invitations where organization_id = ${organizationId} and status = 'PENDING'
            and expires_at <= ${soon} and created_at >= ${from} and created_at < ${to}`,
      ),
    ]);

    const byRoleRows = groups.filter((g) => g.role !== null);
    const counts = Object.fromEntries(
      COHORT_COUNTS.map((c) => [c, byRoleRows.reduce((total, g) => total + g[c], 0)]),
    ) as CohortCounts;
    const breakdown = (g: CohortCounts): Breakdown => ({
      invited: g.invited,
      accepted: g.accepted,
      acceptance: rate(g.accepted, g.invited),
    });
    const unswept = pendingNow?.expired ?? 0;
    const accepted = histogram.reduce((total, h) => total + h.accepted, 0);
    const steps = [
      ['SENT', counts.reached_sent],
      ['DELIVERED', counts.reached_delivered],
      ['OPENED', counts.reached_opened],
      ['CLICKED', counts.reached_clicked],
      ['ACCEPTED', counts.accepted],
    ] as const;
    return {
      from,
      to,
      asOf: now,
      counts,
      byStatus: {
        PENDING: counts.pending - unswept,
        ACCEPTED: counts.accepted,
        DECLINED: counts.declined,
        CANCELLED: counts.cancelled,
        EXPIRED: counts.expired + unswept,
      },
      rates: {
        acceptance: rate(counts.accepted, counts.invited),
        delivery: rate(counts.reached_delivered, counts.reached_sent),
        bounce: rate(counts.bounced, counts.reached_sent),
        open: rate(counts.reached_opened, counts.reached_delivered),
        click: rate(counts.reached_clicked, counts.reached_delivered),
        resend: rate(counts.resent, counts.invited),
        customMessage: rate(counts.custom_message, counts.invited),
      },
      funnel: steps.map(([step, count], i) => ({
        step,
        count,
        conversion: rate(count, steps[i - 1]?.[1] ?? counts.invited),
      })),
      timeToAccept: {
        accepted,
        medianSeconds: percentile(histogram, accepted, 0.5),
        p90Seconds: percentile(histogram, accepted, 0.9),
      },
      expiringWithin48Hours: pendingNow?.expiring ?? 0,
      byRole: byRoleRows
        .filter((g) => g.invited > 0)
        .map((g) => ({ role: g.role as MemberRole, ...breakdown(g) }))
        .sort((a, b) => b.invited - a.invited || a.role.localeCompare(b.role)),
      byInviter: groups
        .filter((g) => g.role === null && g.invited > 0)
        .sort((a, b) => b.invited - a.invited || String(a.inviter_id).localeCompare(String(b.inviter_id)))
        .map((g) => ({
          ...breakdown(g),
          inviter:
            g.inviter_id && g.inviter_name !== null && g.inviter_email !== null
              ? { id: g.inviter_id, name: g.inviter_name, email: g.inviter_email }
              : null,
        })),
    };
  }

  /** Stats of the invitations created in [from, to), as they stand now. */
  async function stats(
    organizationId: string,
    range: { from: Date; to: Date; topInviters?: number | null },
  ): Promise<Result<InvitationStats>> {
    const refused = disabled() ?? checkRange(range.from, range.to);
    if (refused) return fail(refused);
    const computed = await computeStats(organizationId, range.from, range.to);
    return ok({ ...computed, byInviter: computed.byInviter.slice(0, range.topInviters ?? 10) });
  }

  return {
    stats,

    /**
     * What happened each day, week (from Monday) or month from `from` to `to` (calendar dates in
     * `timeZone`, both included), every period present.
     */
    async series(
      organizationId: string,
      input: { from: string; to: string; interval: Interval; timeZone: string },
    ): Promise<Result<SeriesBucket[]>> {
      const off = disabled();
      if (off) return fail(off);
      if (!DATE_PATTERN.test(input.from) || !DATE_PATTERN.test(input.to)) {
        return fail(new InvalidRangeError('Dates are calendar days, YYYY-MM-DD'));
      }
      const bad = checkRange(new Date(`${input.from}T00:00:00Z`), new Date(`${input.to}T00:00:00Z`));
      if (bad) return fail(bad);
      if (!knownTimeZone(input.timeZone)) return fail(new UnknownTimeZoneError(input.timeZone));
      const unit = input.interval.toLowerCase();
      const step = `1 ${unit}`;
      const start = sql`${input.from}::date::timestamp`;
      const end = sql`(${input.to}::date + 1)::timestamp`;
      try {
        const buckets = await rows<ActivityCounts & { period: string; from_ms: number; to_ms: number }>(
          db,
          // The periods and their instants first; then each slot of the range counts in the period
          // its instant falls in (width_bucket over the period starts), from the hourly rollup when
          // every edge falls on the hour, else from the 15-minute one.
          sql`with b as materialized (
              select row_number() over (order by p) as i, p as period,
                local_instant(greatest(p, ${start}), ${input.timeZone}) as start_at,
                local_instant(least(p + ${step}::interval, ${end}), ${input.timeZone}) as end_at
              from generate_series(date_trunc(${unit}, ${start}), ${end} - interval '1 day', ${step}::interval) p
            ),
            e as materialized (
              select array_agg(start_at order by i) as starts, min(start_at) as first, max(end_at) as last,
                bool_and(${onHour(sql`start_at`)} and ${onHour(sql`end_at`)}) as hourly
              from b
            ),
            a as (
              select slot, ${activityColumns} from invitation_activity_hours
              where organization_id = ${organizationId} and (select hourly from e)
                and slot >= (select first from e) and slot < (select last from e)
              union all
              select slot, ${activityColumns} from invitation_activity
              where organization_id = ${organizationId} and not (select hourly from e)
                and slot >= (select first from e) and slot < (select last from e)
            ),
            counted as (
              select width_bucket(a.slot, (select starts from e)) as i, ${sums(ACTIVITY_COUNTS)} from a group by 1
            )
            select b.period::date::text as period,
              extract(epoch from b.start_at)::float8 * 1000 as from_ms,
              extract(epoch from b.end_at)::float8 * 1000 as to_ms, ${zeroed}
            from b left join counted c on c.i = b.i order by b.i`,
        );
        return ok(
          buckets.map(({ from_ms, to_ms, ...bucket }) => ({ ...bucket, from: new Date(from_ms), to: new Date(to_ms) })),
        );
      } catch (error) {
        // A name the browser knows and PostgreSQL does not.
        if ((error as { cause?: { code?: string } }).cause?.code === '22023') {
          return fail(new UnknownTimeZoneError(input.timeZone));
        }
        throw error;
      }
    },

    /**
     * Fresh stats now, then again after changes, at most once a second. Without `from` the range
     * is the last 30 days; without `to` it runs to the moment of each push. Ends when the viewer
     * may no longer see the organisation's analytics.
     */
    async *statsChanges(
      organizationId: string,
      range: { from?: Date | null; to?: Date | null; topInviters?: number | null },
      mayWatch: () => Promise<boolean>,
    ): AsyncGenerator<Result<InvitationStats>> {
      const current = () => {
        const to = range.to ?? clock.now();
        const from = range.from ?? new Date(to.getTime() - DEFAULT_LIVE_RANGE_DAYS * DAY_MS);
        return stats(organizationId, { from, to, topInviters: range.topInviters });
      };
      const changes = events.organizationChanges(organizationId)[Symbol.asyncIterator]();
      let changed = false;
      let wake: (() => void) | undefined;
      let ended = false;
      // Drains the feed into one flag, so a burst of changes costs one recount.
      const pump = (async () => {
        for (;;) {
          const next = await changes.next();
          if (next.done) break;
          changed = true;
          wake?.();
        }
        ended = true;
        wake?.();
      })();
      try {
        const first = await current();
        yield first;
        if (!first.ok) return;
        let lastPush = performance.now();
        for (;;) {
          if (!changed) await new Promise<void>((resolve) => (wake = resolve));
          if (ended) return;
          const wait = lastPush + STATS_PUSH_MS - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          changed = false;
          if (!(await mayWatch())) return;
          yield await current();
          lastPush = performance.now();
        }
      } finally {
        await changes.return?.();
        await pump;
      }
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;

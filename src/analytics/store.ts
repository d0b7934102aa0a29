// Every SQL statement the analytics read: the cohort rollups (with the partial end hours counted
// from the invitations by the same facts function the triggers use), the time-to-accept histogram,
// the pending invitations near expiry, and the activity series. Talks to the database only.
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/rows.js';
import type { MemberRole } from '../db/schema/index.js';
import { rangePieces } from './range.js';

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
export type CohortCounts = Record<(typeof COHORT_COUNTS)[number], number>;

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

/** One grouping of the cohort: by inviter (role null) or by role (inviter null). */
export type CohortGroup = CohortCounts & {
  inviter_id: string | null;
  role: MemberRole | null;
  inviter_name: string | null;
  inviter_email: string | null;
};

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const sums = (columns: readonly string[]) =>
  sql.raw(columns.map((c) => `coalesce(sum(${c}), 0)::int as ${c}`).join(', '));

const activityColumns = sql.raw(ACTIVITY_COUNTS.join(', '));
const zeroed = sql.raw(ACTIVITY_COUNTS.map((c) => `coalesce(c.${c}, 0) as ${c}`).join(', '));
const onHour = (instant: SQL) => sql`date_bin('1 hour', ${instant}, timestamptz '2000-01-01 00:00:00+00') = ${instant}`;

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

export function createAnalyticsStore(db: Db) {
  return {
    /**
     * The cohort of invitations created in [from, to): its counts grouped by inviter and by role,
     * its time-to-accept histogram, and its pending invitations expiring by `soon` (those past
     * `now` are expired but not yet swept).
     */
    async cohort(organizationId: string, range: { from: Date; to: Date; now: Date; soon: Date }) {
      const { from, to, now, soon } = range;
      const sources = cohortSources(organizationId, from, to);
      const [groups, histogram, [pending]] = await Promise.all([
        rows<CohortGroup>(
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
      return { groups, histogram, pending: { expired: pending?.expired ?? 0, expiring: pending?.expiring ?? 0 } };
    },

    /**
     * What happened in each period from the calendar day `from` to `to` (both included) in
     * `timeZone`, every period present. Throws PostgreSQL's 22023 for a zone it does not know.
     */
    activitySeries(
      organizationId: string,
      input: { from: string; to: string; interval: Interval; timeZone: string },
    ): Promise<(ActivityCounts & { period: string; from_ms: number; to_ms: number })[]> {
      const unit = input.interval.toLowerCase();
      const step = `1 ${unit}`;
      const start = sql`${input.from}::date::timestamp`;
      const end = sql`(${input.to}::date + 1)::timestamp`;
      return rows(
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
    },
  };
}

export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;

// The rollups recounted from the raw rows with the same facts functions the triggers use, beside
// the rollups as stored: the two must always be equal. Used by the tests and by `seed:demo` to
// prove the maintained aggregates right.
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/rows.js';
import { ACTIVITY_COUNTS, COHORT_COUNTS } from './store.js';

export interface RollupSnapshot {
  cohorts: Record<string, number | string>[];
  acceptTimes: Record<string, number | string>[];
  activity: Record<string, number | string>[];
  activityHours: Record<string, number | string>[];
}

const list = (columns: readonly string[], prefix = '') => sql.raw(columns.map((c) => `${prefix}${c}`).join(', '));
const sums = (columns: readonly string[], prefix = '') =>
  sql.raw(columns.map((c) => `sum(${prefix}${c})::int as ${c}`).join(', '));
/** Rows whose counts are all zero say nothing: a rollup row can return to zero, a recount omits it. */
const nonZero = (columns: readonly string[]) => sql.raw(columns.map((c) => `${c} <> 0`).join(' or '));

export async function storedRollups(db: Db, organizationId: string): Promise<RollupSnapshot> {
  return {
    cohorts: await rows(
      db,
      sql`select grain::text as grain, period::text as period, inviter_id::text as inviter_id, role::text as role,
          ${list(COHORT_COUNTS)}
        from invitation_cohorts where organization_id = ${organizationId} and (${nonZero(COHORT_COUNTS)})
        order by 1, 2, 3, 4`,
    ),
    acceptTimes: await rows(
      db,
      sql`select grain::text as grain, period::text as period, bucket::int as bucket, accepted
        from invitation_accept_times where organization_id = ${organizationId} and accepted <> 0 order by 1, 2, 3`,
    ),
    activity: await rows(
      db,
      sql`select slot::text as slot, ${list(ACTIVITY_COUNTS)} from invitation_activity
        where organization_id = ${organizationId} and (${nonZero(ACTIVITY_COUNTS)}) order by 1`,
    ),
    activityHours: await rows(
      db,
      sql`select slot::text as slot, ${list(ACTIVITY_COUNTS)} from invitation_activity_hours
        where organization_id = ${organizationId} and (${nonZero(ACTIVITY_COUNTS)}) order by 1`,
    ),
  };
}

export async function recountedRollups(db: Db, organizationId: string): Promise<RollupSnapshot> {
  const facts = sql`from invitations i cross join lateral invitation_facts(i.status, i.delivery_status,
    i.created_at, i.responded_at, i.opened_at, i.clicked_at, i.attempts, i.message) f
    cross join unnest(enum_range(null::rollup_grain)) g(grain)
    where i.organization_id = ${organizationId}`;
  const grainPeriod = sql`g.grain::text as grain, date_trunc(lower(g.grain::text), i.created_at, 'UTC')::text as period`;
  return {
    cohorts: await rows(
      db,
      sql`select ${grainPeriod},
          coalesce(i.invited_by_id, '00000000-0000-0000-0000-000000000000')::text as inviter_id,
          i.role::text as role, ${sums(COHORT_COUNTS, 'f.')}
        ${facts} group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
    ),
    acceptTimes: await rows(
      db,
      sql`select ${grainPeriod}, f.accept_bucket::int as bucket, count(*)::int as accepted
        ${facts} and f.accept_bucket is not null group by 1, 2, 3 order by 1, 2, 3`,
    ),
    activity: await recountActivity(db, organizationId, sql`invitation_slot(e.created_at)`),
    activityHours: await recountActivity(
      db,
      organizationId,
      sql`date_bin('1 hour', e.created_at, timestamptz '2000-01-01 00:00:00+00')`,
    ),
  };
}

function recountActivity(db: Db, organizationId: string, slot: SQL) {
  return rows<Record<string, number | string>>(
    db,
    sql`select ${slot}::text as slot, ${sums(ACTIVITY_COUNTS, 'f.')}
      from invitation_events e cross join lateral invitation_event_facts(e.type::text, e.data) f
      where e.organization_id = ${organizationId} group by 1
      having (${nonZero(ACTIVITY_COUNTS.map((c) => `sum(f.${c})`))}) order by 1`,
  );
}

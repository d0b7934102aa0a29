// Realistic invitation histories for demos and benchmarks, written set-based (one INSERT per table):
// creation spread over the past year, deliveries, bounces, opens, clicks, accepts, declines,
// cancels, resends and expiries, each with its timeline events. The rollups count them with the
// functions the triggers call. No audit rows: nobody did this.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/rows.js';

export interface HistoryOptions {
  organizationId: string;
  /** Who sent them, spread evenly; at least one. */
  inviterIds: string[];
  count: number;
  /** Histories end here; creation times fall in the year before. */
  now: Date;
  days?: number;
  /** Invitations per transaction; two transactions run at once. */
  chunkSize?: number;
}

const CHUNK = 25_000;
/** Chunks in flight at once: all but the rollup upserts (one organisation's at a time) run side by side. */
const PARALLEL = 2;

/** Adds `count` invitations with their events to the organisation. */
export async function seedInvitationHistory(db: Db, options: HistoryOptions): Promise<void> {
  const batch = randomBytes(6).toString('hex');
  // A superuser may skip the per-row foreign-key checks and the triggers (a quarter of the time
  // and more): every row here refers to rows that exist, and the rollups are applied explicitly.
  const [who] = await rows<{ superuser: boolean }>(db, sql`select current_setting('is_superuser') = 'on' as superuser`);
  const direct = who?.superuser === true;
  const size = options.chunkSize ?? CHUNK;
  const starts = Array.from({ length: Math.ceil(options.count / size) }, (_, i) => i * size + 1);
  const work = async () => {
    for (let first = starts.shift(); first !== undefined; first = starts.shift()) {
      await seedChunk(db, options, { batch, first, last: Math.min(options.count, first + size - 1), direct });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, work));
}

async function seedChunk(
  db: Db,
  options: HistoryOptions,
  chunk: { batch: string; first: number; last: number; direct: boolean },
) {
  const { organizationId, inviterIds, now } = options;
  const { batch, first, last, direct } = chunk;
  const days = options.days ?? 365;
  // Ids in order within the batch: appended to the primary-key indexes instead of scattered over
  // them, which is most of the cost of a million random keys.
  const invitationIds = `${batch.slice(-8)}-0000-4000-8000-`;
  const eventIds = `${batch.slice(-8)}-0001-4000-8000-`;
  await db.transaction(async (tx) => {
    // Enough memory that grouping a chunk's facts never spills to disk.
    await tx.execute(sql`set local synchronous_commit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    if (direct) await tx.execute(sql`set local session_replication_role = replica`);
    // One draw per decision, so the shares below are what the history holds; then the timeline
    // each invitation's final state implies, in order.
    await tx.execute(sql`
      with i as (insert into invitations (id, organization_id, email, role, message, token_selector, token_verifier_hash,
        status, delivery_status, attempts, last_sent_at, expires_at, invited_by_id, responded_at,
        opened_at, clicked_at, message_id, created_at, updated_at)
      select (${invitationIds} || lpad(to_hex(r.g), 12, '0'))::uuid, ${organizationId}::uuid, 'demo-' || ${batch} || '-' || r.n || '@example.test',
        case when r.role < 0.12 then 'ADMIN' else 'MEMBER' end::member_role,
        case when r.message < 0.3 then 'Join us!' end,
        'demo' || ${batch} || r.n, md5(${batch} || r.n),
        case
          when accepted then 'ACCEPTED'
          when r.answer < 0.05 then 'DECLINED'
          when r.answer < 0.09 then 'CANCELLED'
          when created_at + interval '7 days' <= ${now}::timestamptz then 'EXPIRED'
          else 'PENDING'
        end::invitation_status,
        d.delivery::delivery_status,
        case when r.resend < 0.1 then 2 else 1 end,
        created_at, created_at + interval '7 days',
        (string_to_array(${inviterIds.join(',')}, ',')::uuid[])[1 + (r.g % ${inviterIds.length})],
        case
          when accepted then least(${now}::timestamptz, created_at + accept_after)
          when r.answer < 0.09 then least(${now}::timestamptz, created_at + interval '1 day' * r.when)
        end,
        case when opened then least(${now}::timestamptz, created_at + interval '2 hours' * r.when) end,
        case when clicked then least(${now}::timestamptz, created_at + interval '3 hours' * r.when) end,
        '<demo-' || ${batch} || '-' || r.n || '@invitation-api>', created_at, created_at
      -- Drawn per row in the subquery: an uncorrelated lateral would be drawn once for all.
      -- n: the number zero-padded, so that the text keys (email, token selector, message id) arrive
      -- in index order too.
      from (select g, lpad(g::text, 9, '0') as n, random() as role, random() as message, random() as outcome, random() as open,
          random() as click, random() as accept, random() as answer, random() as resend,
          random() as "when", random() as jitter
        from generate_series(${first}::int, ${last}::int) g) r
      -- Created in order, as invitations arrive: the oldest first, spread evenly with jitter.
      cross join lateral (select ${now}::timestamptz
        - interval '1 day' * ${days} * (${options.count}::int - r.g + r.jitter) / ${options.count}::int as created_at) c
      cross join lateral (select case
          when r.outcome < 0.02 then 'REJECTED' when r.outcome < 0.05 then 'BOUNCED'
          when r.outcome < 0.06 then 'FAILED' when r.outcome < 0.86 then 'DELIVERED' else 'SENT' end as delivery) d
      cross join lateral (select d.delivery in ('DELIVERED', 'SENT') and r.open < 0.6 as opened) o
      cross join lateral (select o.opened and r.click < 0.6 as clicked) k
      -- Accept times from minutes to days, skewed short, never past the history's end.
      cross join lateral (select k.clicked and r.accept < 0.75
          and c.created_at + interval '1 second' * exp(4 + r."when" * 9) <= ${now}::timestamptz as accepted,
        interval '1 second' * exp(4 + r."when" * 9) as accept_after) a
      returning *),
      e as (insert into invitation_events (id, invitation_id, organization_id, type, data, created_at)
      select (${eventIds} || right(i.id::text, 11) || e.n)::uuid, i.id, i.organization_id,
        e.type::invitation_event_type, e.data, e.at
      from i
      cross join lateral (values
        (0, 'CREATED', '{}'::jsonb, i.created_at),
        (1, 'DELIVERY_STATUS_CHANGED', jsonb_build_object('from', 'SENDING', 'to', case
            when i.delivery_status in ('REJECTED', 'FAILED') then i.delivery_status::text else 'SENT' end),
          i.created_at + interval '2 seconds'),
        (2, 'DELIVERY_STATUS_CHANGED', jsonb_build_object('from', 'SENT', 'to', i.delivery_status::text),
          case when i.delivery_status in ('DELIVERED', 'BOUNCED') then i.created_at + interval '10 seconds' end),
        (3, 'RESENT', jsonb_build_object('attempt', 2), case when i.attempts > 1 then i.created_at + interval '1 minute' end),
        (4, 'OPENED', '{}'::jsonb, i.opened_at),
        (5, 'CLICKED', '{}'::jsonb, i.clicked_at),
        (6, i.status::text, '{}'::jsonb, case
          when i.status in ('ACCEPTED', 'DECLINED', 'CANCELLED') then i.responded_at
          when i.status = 'EXPIRED' then i.expires_at end)
      ) e(n, type, data, at)
      where e.at is not null
      returning *)
      -- The activity first: each function counts before it takes the organisation's rollup lock,
      -- which is held until commit, so the larger count must not run under the other's lock.
      ${
        direct
          ? sql`select invitation_activity_apply(array(select x::invitation_events from e x)),
              invitation_cohorts_apply(array(select row(1, i.organization_id, i.created_at, i.invited_by_id,
                i.role, i.status, i.delivery_status, i.responded_at, i.opened_at, i.clicked_at, i.attempts,
                i.message)::invitation_change from i))`
          : sql`select count(*) from e`
      }
    `);
  });
}

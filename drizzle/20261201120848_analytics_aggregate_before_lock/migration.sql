-- Both rollup functions sum their input before they take the organisation's rollup lock and hold
-- it only for the upserts: two transactions writing large batches (seed:demo, bulk imports) no
-- longer wait while the other one counts. The cohorts sum each change once into its hour and add
-- the hours into their days and weeks, instead of counting every change at every grain.
CREATE OR REPLACE FUNCTION invitation_cohorts_apply(changes invitation_change[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cohorts invitation_cohorts[];
  accept_times invitation_accept_times[];
BEGIN
  IF cardinality(changes) = 0 THEN RETURN; END IF;
  WITH facts AS (
    SELECT c.organization_id, date_trunc('hour', c.created_at, 'UTC') AS hour,
      coalesce(c.invited_by_id, '00000000-0000-0000-0000-000000000000') AS inviter_id, c.role, c.sign, f.*
    FROM unnest(changes) c
    CROSS JOIN LATERAL invitation_facts(c.status, c.delivery_status, c.created_at, c.responded_at,
      c.opened_at, c.clicked_at, c.attempts, c.message) f
  ),
  hours AS (
    SELECT organization_id, hour, inviter_id, role, sum(sign * invited) AS invited,
      sum(sign * pending) AS pending, sum(sign * accepted) AS accepted, sum(sign * declined) AS declined,
      sum(sign * cancelled) AS cancelled, sum(sign * expired) AS expired,
      sum(sign * validating) AS validating, sum(sign * sending) AS sending, sum(sign * sent) AS sent,
      sum(sign * delivered) AS delivered, sum(sign * bounced) AS bounced, sum(sign * failed) AS failed,
      sum(sign * rejected) AS rejected, sum(sign * reached_sent) AS reached_sent,
      sum(sign * reached_delivered) AS reached_delivered, sum(sign * reached_opened) AS reached_opened,
      sum(sign * reached_clicked) AS reached_clicked, sum(sign * resent) AS resent,
      sum(sign * custom_message) AS custom_message
    FROM facts GROUP BY 1, 2, 3, 4
  ),
  accept_hours AS (
    SELECT organization_id, hour, accept_bucket AS bucket, sum(sign) AS accepted
    FROM facts WHERE accept_bucket IS NOT NULL GROUP BY 1, 2, 3
  )
  SELECT
    array(SELECT row(h.organization_id, h.inviter_id, h.role, sum(h.invited), sum(h.pending),
        sum(h.accepted), sum(h.declined), sum(h.cancelled), sum(h.expired), sum(h.validating),
        sum(h.sending), sum(h.sent), sum(h.delivered), sum(h.bounced), sum(h.failed), sum(h.rejected),
        sum(h.reached_sent), sum(h.reached_delivered), sum(h.reached_opened), sum(h.reached_clicked),
        sum(h.resent), sum(h.custom_message), g.grain, date_trunc(lower(g.grain::text), h.hour, 'UTC')
      )::invitation_cohorts
      FROM hours h CROSS JOIN unnest(enum_range(NULL::rollup_grain)) g(grain)
      GROUP BY h.organization_id, g.grain, date_trunc(lower(g.grain::text), h.hour, 'UTC'), h.inviter_id, h.role
      ORDER BY h.organization_id, g.grain, date_trunc(lower(g.grain::text), h.hour, 'UTC'), h.inviter_id, h.role),
    array(SELECT row(a.organization_id, a.bucket, sum(a.accepted), g.grain,
        date_trunc(lower(g.grain::text), a.hour, 'UTC'))::invitation_accept_times
      FROM accept_hours a CROSS JOIN unnest(enum_range(NULL::rollup_grain)) g(grain)
      GROUP BY a.organization_id, g.grain, date_trunc(lower(g.grain::text), a.hour, 'UTC'), a.bucket
      ORDER BY a.organization_id, g.grain, date_trunc(lower(g.grain::text), a.hour, 'UTC'), a.bucket)
  INTO cohorts, accept_times;

  PERFORM invitation_rollups_lock(o)
    FROM (SELECT DISTINCT c.organization_id::text AS o FROM unnest(changes) c ORDER BY 1) s;
  INSERT INTO invitation_cohorts AS t SELECT * FROM unnest(cohorts)
  ON CONFLICT (organization_id, grain, period, inviter_id, role) DO UPDATE SET
    invited = t.invited + excluded.invited, pending = t.pending + excluded.pending,
    accepted = t.accepted + excluded.accepted, declined = t.declined + excluded.declined,
    cancelled = t.cancelled + excluded.cancelled, expired = t.expired + excluded.expired,
    validating = t.validating + excluded.validating, sending = t.sending + excluded.sending,
    sent = t.sent + excluded.sent, delivered = t.delivered + excluded.delivered,
    bounced = t.bounced + excluded.bounced, failed = t.failed + excluded.failed,
    rejected = t.rejected + excluded.rejected, reached_sent = t.reached_sent + excluded.reached_sent,
    reached_delivered = t.reached_delivered + excluded.reached_delivered,
    reached_opened = t.reached_opened + excluded.reached_opened,
    reached_clicked = t.reached_clicked + excluded.reached_clicked,
    resent = t.resent + excluded.resent, custom_message = t.custom_message + excluded.custom_message;
  INSERT INTO invitation_accept_times AS t SELECT * FROM unnest(accept_times)
  ON CONFLICT (organization_id, grain, period, bucket) DO UPDATE SET accepted = t.accepted + excluded.accepted;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitation_activity_apply(events invitation_events[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  quarters invitation_activity[];
  hours invitation_activity_hours[];
BEGIN
  IF cardinality(events) = 0 THEN RETURN; END IF;
  WITH deltas AS (
    SELECT e.organization_id, invitation_slot(e.created_at) AS slot, sum(f.invited) AS invited,
      sum(f.resent) AS resent, sum(f.sent) AS sent, sum(f.delivered) AS delivered, sum(f.opened) AS opened,
      sum(f.clicked) AS clicked, sum(f.accepted) AS accepted, sum(f.declined) AS declined,
      sum(f.cancelled) AS cancelled, sum(f.expired) AS expired, sum(f.bounced) AS bounced,
      sum(f.failed) AS failed, sum(f.rejected) AS rejected
    FROM unnest(events) e CROSS JOIN LATERAL invitation_event_facts(e.type::text, e.data) f
    GROUP BY 1, 2
  )
  SELECT
    array(SELECT row(d.*)::invitation_activity FROM deltas d ORDER BY d.organization_id, d.slot),
    array(SELECT row(organization_id, date_bin('1 hour', slot, timestamptz '2000-01-01 00:00:00+00'),
        sum(invited), sum(resent), sum(sent), sum(delivered), sum(opened), sum(clicked), sum(accepted),
        sum(declined), sum(cancelled), sum(expired), sum(bounced), sum(failed), sum(rejected)
      )::invitation_activity_hours
      FROM deltas GROUP BY organization_id, date_bin('1 hour', slot, timestamptz '2000-01-01 00:00:00+00')
      ORDER BY organization_id, date_bin('1 hour', slot, timestamptz '2000-01-01 00:00:00+00'))
  INTO quarters, hours;

  PERFORM invitation_rollups_lock(o)
    FROM (SELECT DISTINCT e.organization_id::text AS o FROM unnest(events) e ORDER BY 1) s;
  INSERT INTO invitation_activity AS t SELECT * FROM unnest(quarters)
  ON CONFLICT (organization_id, slot) DO UPDATE SET
    invited = t.invited + excluded.invited, resent = t.resent + excluded.resent,
    sent = t.sent + excluded.sent, delivered = t.delivered + excluded.delivered,
    opened = t.opened + excluded.opened, clicked = t.clicked + excluded.clicked,
    accepted = t.accepted + excluded.accepted, declined = t.declined + excluded.declined,
    cancelled = t.cancelled + excluded.cancelled, expired = t.expired + excluded.expired,
    bounced = t.bounced + excluded.bounced, failed = t.failed + excluded.failed,
    rejected = t.rejected + excluded.rejected;
  INSERT INTO invitation_activity_hours AS t SELECT * FROM unnest(hours)
  ON CONFLICT (organization_id, slot) DO UPDATE SET
    invited = t.invited + excluded.invited, resent = t.resent + excluded.resent,
    sent = t.sent + excluded.sent, delivered = t.delivered + excluded.delivered,
    opened = t.opened + excluded.opened, clicked = t.clicked + excluded.clicked,
    accepted = t.accepted + excluded.accepted, declined = t.declined + excluded.declined,
    cancelled = t.cancelled + excluded.cancelled, expired = t.expired + excluded.expired,
    bounced = t.bounced + excluded.bounced, failed = t.failed + excluded.failed,
    rejected = t.rejected + excluded.rejected;
END;
$$;

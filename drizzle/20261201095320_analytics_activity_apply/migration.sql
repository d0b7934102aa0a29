-- The activity rollups applied by a function over an array of timeline events, like the cohorts:
-- the trigger hands it the statement's new rows, and a bulk load that bypasses triggers (seed:demo)
-- hands it the rows it wrote, so both count with the same code.
CREATE FUNCTION invitation_activity_apply(events invitation_events[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(events) = 0 THEN RETURN; END IF;
  PERFORM invitation_rollups_lock(o)
    FROM (SELECT DISTINCT e.organization_id::text AS o FROM unnest(events) e ORDER BY 1) s;
  WITH deltas AS (
    SELECT e.organization_id, invitation_slot(e.created_at) AS slot, sum(f.invited) AS invited,
      sum(f.resent) AS resent, sum(f.sent) AS sent, sum(f.delivered) AS delivered, sum(f.opened) AS opened,
      sum(f.clicked) AS clicked, sum(f.accepted) AS accepted, sum(f.declined) AS declined,
      sum(f.cancelled) AS cancelled, sum(f.expired) AS expired, sum(f.bounced) AS bounced,
      sum(f.failed) AS failed, sum(f.rejected) AS rejected
    FROM unnest(events) e CROSS JOIN LATERAL invitation_event_facts(e.type::text, e.data) f
    GROUP BY 1, 2
  ),
  quarters AS (
    INSERT INTO invitation_activity AS t (organization_id, slot, invited, resent, sent, delivered,
      opened, clicked, accepted, declined, cancelled, expired, bounced, failed, rejected)
    SELECT * FROM deltas ORDER BY 1, 2
    ON CONFLICT (organization_id, slot) DO UPDATE SET
      invited = t.invited + excluded.invited, resent = t.resent + excluded.resent,
      sent = t.sent + excluded.sent, delivered = t.delivered + excluded.delivered,
      opened = t.opened + excluded.opened, clicked = t.clicked + excluded.clicked,
      accepted = t.accepted + excluded.accepted, declined = t.declined + excluded.declined,
      cancelled = t.cancelled + excluded.cancelled, expired = t.expired + excluded.expired,
      bounced = t.bounced + excluded.bounced, failed = t.failed + excluded.failed,
      rejected = t.rejected + excluded.rejected
  )
  INSERT INTO invitation_activity_hours AS t (organization_id, slot, invited, resent, sent, delivered,
    opened, clicked, accepted, declined, cancelled, expired, bounced, failed, rejected)
  SELECT organization_id, date_bin('1 hour', slot, timestamptz '2000-01-01 00:00:00+00'), sum(invited),
    sum(resent), sum(sent), sum(delivered), sum(opened), sum(clicked), sum(accepted), sum(declined),
    sum(cancelled), sum(expired), sum(bounced), sum(failed), sum(rejected)
  FROM deltas GROUP BY 1, 2 ORDER BY 1, 2
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
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitation_activity_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invitation_activity_apply(array(SELECT n::invitation_events FROM new_rows n));
  RETURN NULL;
END;
$$;

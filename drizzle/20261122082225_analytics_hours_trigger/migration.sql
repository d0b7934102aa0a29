-- Timeline events land in both activity rollups: by 15-minute slot and by hour.
CREATE OR REPLACE FUNCTION invitation_activity_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invitation_rollups_lock(o) FROM (SELECT DISTINCT organization_id::text AS o FROM new_rows ORDER BY 1) s;
  WITH deltas AS (
    SELECT e.organization_id, invitation_slot(e.created_at) AS slot, sum(f.invited) AS invited,
      sum(f.resent) AS resent, sum(f.sent) AS sent, sum(f.delivered) AS delivered, sum(f.opened) AS opened,
      sum(f.clicked) AS clicked, sum(f.accepted) AS accepted, sum(f.declined) AS declined,
      sum(f.cancelled) AS cancelled, sum(f.expired) AS expired, sum(f.bounced) AS bounced,
      sum(f.failed) AS failed, sum(f.rejected) AS rejected
    FROM new_rows e CROSS JOIN LATERAL invitation_event_facts(e.type::text, e.data) f
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
  RETURN NULL;
END;
$$;

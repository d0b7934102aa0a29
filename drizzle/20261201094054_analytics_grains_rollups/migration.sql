-- The cohort rollups at every grain: each change lands in its UTC hour, day and week (from Monday),
-- so a range reads whole weeks in its middle, then days and hours towards its ends.
CREATE OR REPLACE FUNCTION invitation_cohorts_apply(changes invitation_change[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changes) = 0 THEN RETURN; END IF;
  PERFORM invitation_rollups_lock(o)
    FROM (SELECT DISTINCT c.organization_id::text AS o FROM unnest(changes) c ORDER BY 1) s;
  WITH facts AS (
    SELECT c.organization_id, g.grain, date_trunc(lower(g.grain::text), c.created_at, 'UTC') AS period,
      coalesce(c.invited_by_id, '00000000-0000-0000-0000-000000000000') AS inviter_id, c.role, c.sign, f.*
    FROM unnest(changes) c
    CROSS JOIN LATERAL invitation_facts(c.status, c.delivery_status, c.created_at, c.responded_at,
      c.opened_at, c.clicked_at, c.attempts, c.message) f
    CROSS JOIN unnest(enum_range(NULL::rollup_grain)) g(grain)
  ),
  cohorts AS (
    INSERT INTO invitation_cohorts AS t (organization_id, grain, period, inviter_id, role, invited,
      pending, accepted, declined, cancelled, expired, validating, sending, sent, delivered, bounced,
      failed, rejected, reached_sent, reached_delivered, reached_opened, reached_clicked, resent,
      custom_message)
    SELECT organization_id, grain, period, inviter_id, role, sum(sign * invited), sum(sign * pending),
      sum(sign * accepted), sum(sign * declined), sum(sign * cancelled), sum(sign * expired),
      sum(sign * validating), sum(sign * sending), sum(sign * sent), sum(sign * delivered),
      sum(sign * bounced), sum(sign * failed), sum(sign * rejected), sum(sign * reached_sent),
      sum(sign * reached_delivered), sum(sign * reached_opened), sum(sign * reached_clicked),
      sum(sign * resent), sum(sign * custom_message)
    FROM facts GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
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
      resent = t.resent + excluded.resent, custom_message = t.custom_message + excluded.custom_message
  )
  INSERT INTO invitation_accept_times AS t (organization_id, grain, period, bucket, accepted)
  SELECT organization_id, grain, period, accept_bucket, sum(sign)
  FROM facts WHERE accept_bucket IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (organization_id, grain, period, bucket) DO UPDATE SET accepted = t.accepted + excluded.accepted;
END;
$$;
--> statement-breakpoint
-- The previous migration emptied both rollups: count every invitation again, at every grain.
SELECT invitation_cohorts_apply(array(
  SELECT row(1, i.organization_id, i.created_at, i.invited_by_id, i.role, i.status, i.delivery_status,
    i.responded_at, i.opened_at, i.clicked_at, i.attempts, i.message)::invitation_change
  FROM invitations i));

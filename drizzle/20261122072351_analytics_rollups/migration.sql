-- Analytics rollups, kept by triggers in the same transaction as the rows they count. What one row
-- contributes is defined once, by invitation_facts and invitation_event_facts: the triggers add
-- those facts, and a recount sums the same facts over the raw rows (see src/analytics/recount.ts).

-- Time to accept, in buckets of 1/16 of a doubling: bucket b holds [2^((b-1)/16), 2^(b/16)) seconds.
CREATE FUNCTION invitation_accept_bucket(seconds double precision) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN seconds < 1 THEN 0 ELSE floor(16 * ln(seconds) / ln(2))::int + 1 END::smallint
$$;
--> statement-breakpoint
-- What one invitation, as it stands now, adds to its cohort. The funnel steps are "reached at
-- least": a click implies an open, an accept implies the link was followed, and so on down.
CREATE FUNCTION invitation_facts(
  status invitation_status,
  delivery_status delivery_status,
  created_at timestamptz,
  responded_at timestamptz,
  opened_at timestamptz,
  clicked_at timestamptz,
  attempts integer,
  message text
) RETURNS TABLE (
  invited int, pending int, accepted int, declined int, cancelled int, expired int,
  validating int, sending int, sent int, delivered int, bounced int, failed int, rejected int,
  reached_sent int, reached_delivered int, reached_opened int, reached_clicked int,
  resent int, custom_message int, accept_bucket smallint
) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 1,
    (status = 'PENDING')::int, (status = 'ACCEPTED')::int, (status = 'DECLINED')::int,
    (status = 'CANCELLED')::int, (status = 'EXPIRED')::int,
    (delivery_status = 'VALIDATING')::int, (delivery_status = 'SENDING')::int,
    (delivery_status = 'SENT')::int, (delivery_status = 'DELIVERED')::int,
    (delivery_status = 'BOUNCED')::int, (delivery_status = 'FAILED')::int,
    (delivery_status = 'REJECTED')::int,
    step.is_sent::int, step.is_delivered::int, step.is_opened::int, step.is_clicked::int,
    (attempts > 1)::int, (coalesce(message, '') <> '')::int,
    CASE WHEN status = 'ACCEPTED' THEN invitation_accept_bucket(extract(epoch FROM responded_at - created_at)::float8) END
  FROM (SELECT clicked_at IS NOT NULL OR status = 'ACCEPTED' AS is_clicked) c
  CROSS JOIN LATERAL (SELECT c.is_clicked OR opened_at IS NOT NULL AS is_opened) o
  CROSS JOIN LATERAL (SELECT o.is_opened OR delivery_status = 'DELIVERED' AS is_delivered) d
  CROSS JOIN LATERAL (
    SELECT c.is_clicked, o.is_opened, d.is_delivered, d.is_delivered OR delivery_status IN ('SENT', 'BOUNCED') AS is_sent
  ) step
$$;
--> statement-breakpoint
-- What one timeline event adds to its 15-minute slot. The type comes as text: enum values added
-- in the same migration run cannot be named in a function body.
CREATE FUNCTION invitation_event_facts(type text, data jsonb) RETURNS TABLE (
  invited int, resent int, sent int, delivered int, opened int, clicked int, accepted int,
  declined int, cancelled int, expired int, bounced int, failed int, rejected int
) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (type = 'CREATED')::int, (type = 'RESENT')::int,
    (type = 'DELIVERY_STATUS_CHANGED' AND data->>'to' = 'SENT')::int,
    (type = 'DELIVERY_STATUS_CHANGED' AND data->>'to' = 'DELIVERED')::int,
    (type = 'OPENED')::int, (type = 'CLICKED')::int, (type = 'ACCEPTED')::int,
    (type = 'DECLINED')::int, (type = 'CANCELLED')::int, (type = 'EXPIRED')::int,
    (type = 'DELIVERY_STATUS_CHANGED' AND data->>'to' = 'BOUNCED')::int,
    (type = 'DELIVERY_STATUS_CHANGED' AND data->>'to' = 'FAILED')::int,
    (type = 'DELIVERY_STATUS_CHANGED' AND data->>'to' = 'REJECTED')::int
$$;
--> statement-breakpoint
CREATE FUNCTION invitation_slot(at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00')
$$;
--> statement-breakpoint
-- The first instant at which the wall clock in `tz` reads `local`. When clocks go back and a
-- local time happens twice, PostgreSQL alone picks the later one; a day starts at the first.
CREATE FUNCTION local_instant(local timestamp, tz text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN (t - interval '2 hours') AT TIME ZONE tz = local THEN t - interval '2 hours'
    WHEN (t - interval '1 hour') AT TIME ZONE tz = local THEN t - interval '1 hour'
    WHEN (t - interval '30 minutes') AT TIME ZONE tz = local THEN t - interval '30 minutes'
    ELSE t
  END
  FROM (SELECT local AT TIME ZONE tz AS t) x
$$;
--> statement-breakpoint
-- Rollup rows of an organisation are written by one transaction at a time: the audit chain's
-- lock, taken after the statement has locked its own rows, so rollup rows never deadlock.
CREATE FUNCTION invitation_rollups_lock(organization_id text) RETURNS void
LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(727002, hashtext(organization_id))
$$;
--> statement-breakpoint
-- One invitation entering (+1) or leaving (-1) its cohort, with what its facts are made of.
CREATE TYPE invitation_change AS (
  sign int, organization_id uuid, created_at timestamptz, invited_by_id uuid, role member_role,
  status invitation_status, delivery_status delivery_status, responded_at timestamptz,
  opened_at timestamptz, clicked_at timestamptz, attempts int, message text
);
--> statement-breakpoint
-- Adds the facts of the changes to the cohort rollups. Static SQL in PL/pgSQL: planned once per
-- connection, not per statement.
CREATE FUNCTION invitation_cohorts_apply(changes invitation_change[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changes) = 0 THEN RETURN; END IF;
  PERFORM invitation_rollups_lock(o)
    FROM (SELECT DISTINCT c.organization_id::text AS o FROM unnest(changes) c ORDER BY 1) s;
  WITH facts AS (
    SELECT c.organization_id, (c.created_at AT TIME ZONE 'UTC')::date AS day,
      coalesce(c.invited_by_id, '00000000-0000-0000-0000-000000000000') AS inviter_id, c.role, c.sign, f.*
    FROM unnest(changes) c
    CROSS JOIN LATERAL invitation_facts(c.status, c.delivery_status, c.created_at, c.responded_at,
      c.opened_at, c.clicked_at, c.attempts, c.message) f
  ),
  cohorts AS (
    INSERT INTO invitation_cohorts AS t (organization_id, day, inviter_id, role, invited, pending,
      accepted, declined, cancelled, expired, validating, sending, sent, delivered, bounced, failed,
      rejected, reached_sent, reached_delivered, reached_opened, reached_clicked, resent, custom_message)
    SELECT organization_id, day, inviter_id, role, sum(sign * invited), sum(sign * pending),
      sum(sign * accepted), sum(sign * declined), sum(sign * cancelled), sum(sign * expired),
      sum(sign * validating), sum(sign * sending), sum(sign * sent), sum(sign * delivered),
      sum(sign * bounced), sum(sign * failed), sum(sign * rejected), sum(sign * reached_sent),
      sum(sign * reached_delivered), sum(sign * reached_opened), sum(sign * reached_clicked),
      sum(sign * resent), sum(sign * custom_message)
    FROM facts GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, day, inviter_id, role) DO UPDATE SET
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
  INSERT INTO invitation_accept_times AS t (organization_id, day, bucket, accepted)
  SELECT organization_id, day, accept_bucket, sum(sign)
  FROM facts WHERE accept_bucket IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (organization_id, day, bucket) DO UPDATE SET accepted = t.accepted + excluded.accepted;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION invitation_cohorts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invitation_cohorts_apply(array(
    SELECT row(1, n.organization_id, n.created_at, n.invited_by_id, n.role, n.status, n.delivery_status,
      n.responded_at, n.opened_at, n.clicked_at, n.attempts, n.message)::invitation_change
    FROM new_rows n));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Only rows whose facts may differ: the old facts leave, the new ones arrive.
CREATE FUNCTION invitation_cohorts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invitation_cohorts_apply(array(
    SELECT c FROM old_rows o JOIN new_rows n USING (id)
    CROSS JOIN LATERAL (VALUES
      (row(-1, o.organization_id, o.created_at, o.invited_by_id, o.role, o.status, o.delivery_status,
        o.responded_at, o.opened_at, o.clicked_at, o.attempts, o.message)::invitation_change),
      (row(1, n.organization_id, n.created_at, n.invited_by_id, n.role, n.status, n.delivery_status,
        n.responded_at, n.opened_at, n.clicked_at, n.attempts, n.message)::invitation_change)
    ) v(c)
    WHERE (o.organization_id, o.created_at, o.invited_by_id, o.role, o.status, o.delivery_status,
        o.responded_at, o.opened_at, o.clicked_at, o.attempts, o.message)
      IS DISTINCT FROM (n.organization_id, n.created_at, n.invited_by_id, n.role, n.status,
        n.delivery_status, n.responded_at, n.opened_at, n.clicked_at, n.attempts, n.message)));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER invitation_cohorts_insert AFTER INSERT ON invitations
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitation_cohorts_inserted();
--> statement-breakpoint
CREATE TRIGGER invitation_cohorts_update AFTER UPDATE ON invitations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitation_cohorts_updated();
--> statement-breakpoint
CREATE FUNCTION invitation_activity_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invitation_rollups_lock(o) FROM (SELECT DISTINCT organization_id::text AS o FROM new_rows ORDER BY 1) s;
  INSERT INTO invitation_activity AS t (organization_id, slot, invited, resent, sent, delivered,
    opened, clicked, accepted, declined, cancelled, expired, bounced, failed, rejected)
  SELECT e.organization_id, invitation_slot(e.created_at), sum(f.invited), sum(f.resent), sum(f.sent),
    sum(f.delivered), sum(f.opened), sum(f.clicked), sum(f.accepted), sum(f.declined),
    sum(f.cancelled), sum(f.expired), sum(f.bounced), sum(f.failed), sum(f.rejected)
  FROM new_rows e CROSS JOIN LATERAL invitation_event_facts(e.type::text, e.data) f
  GROUP BY 1, 2 ORDER BY 1, 2
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
--> statement-breakpoint
CREATE TRIGGER invitation_activity_insert AFTER INSERT ON invitation_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitation_activity_maintain();

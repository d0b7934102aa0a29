-- Baseline: the eleven migrations of 2026-11-22 to 2026-12-01 squashed into one (each SQL function
-- in its latest definition; columns in the order those migrations left them). Tables, indexes and
-- constraints come from src/db/schema (drizzle-kit); the functions, types and triggers after them
-- are hand-written.
CREATE TYPE "rollup_grain" AS ENUM('HOUR', 'DAY', 'WEEK');--> statement-breakpoint
CREATE TYPE "delivery_status" AS ENUM('VALIDATING', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'FAILED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "invitation_event_type" AS ENUM('CREATED', 'RESENT', 'CANCELLED', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'DELIVERY_STATUS_CHANGED', 'DELIVERY_DEFERRED', 'OPENED', 'CLICKED');--> statement-breakpoint
CREATE TYPE "invitation_status" AS ENUM('PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED');--> statement-breakpoint
CREATE TYPE "member_role" AS ENUM('OWNER', 'ADMIN', 'MEMBER');--> statement-breakpoint
CREATE TABLE "invitation_accept_times" (
	"organization_id" uuid,
	"bucket" smallint,
	"accepted" integer DEFAULT 0 NOT NULL,
	"grain" "rollup_grain",
	"period" timestamp with time zone,
	CONSTRAINT "invitation_accept_times_pkey" PRIMARY KEY("organization_id","grain","period","bucket")
);
--> statement-breakpoint
CREATE TABLE "invitation_activity" (
	"organization_id" uuid,
	"slot" timestamp with time zone,
	"invited" integer DEFAULT 0 NOT NULL,
	"resent" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"opened" integer DEFAULT 0 NOT NULL,
	"clicked" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"declined" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"bounced" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "invitation_activity_pkey" PRIMARY KEY("organization_id","slot")
);
--> statement-breakpoint
CREATE TABLE "invitation_activity_hours" (
	"organization_id" uuid,
	"slot" timestamp with time zone,
	"invited" integer DEFAULT 0 NOT NULL,
	"resent" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"opened" integer DEFAULT 0 NOT NULL,
	"clicked" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"declined" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"bounced" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "invitation_activity_hours_pkey" PRIMARY KEY("organization_id","slot")
);
--> statement-breakpoint
CREATE TABLE "invitation_cohorts" (
	"organization_id" uuid,
	"inviter_id" uuid,
	"role" "member_role",
	"invited" integer DEFAULT 0 NOT NULL,
	"pending" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"declined" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"validating" integer DEFAULT 0 NOT NULL,
	"sending" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"bounced" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"reached_sent" integer DEFAULT 0 NOT NULL,
	"reached_delivered" integer DEFAULT 0 NOT NULL,
	"reached_opened" integer DEFAULT 0 NOT NULL,
	"reached_clicked" integer DEFAULT 0 NOT NULL,
	"resent" integer DEFAULT 0 NOT NULL,
	"custom_message" integer DEFAULT 0 NOT NULL,
	"grain" "rollup_grain",
	"period" timestamp with time zone,
	CONSTRAINT "invitation_cohorts_pkey" PRIMARY KEY("organization_id","grain","period","inviter_id","role")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" uuid,
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"data" jsonb DEFAULT '{}' NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"invitation_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"state" text DEFAULT 'QUEUED' NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"sealed_link" text,
	"tries" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"message_id" text,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "email_suppressions" (
	"organization_id" uuid,
	"email" text,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "email_suppressions_pkey" PRIMARY KEY("organization_id","email")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text,
	"key" text,
	"request_hash" text NOT NULL,
	"result" jsonb,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "invitation_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "invitation_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"invitation_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"type" "invitation_event_type" NOT NULL,
	"actor_id" uuid,
	"data" jsonb DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"organization_id" uuid NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"role" "member_role" NOT NULL,
	"message" text,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"metadata" jsonb,
	"status" "invitation_status" DEFAULT 'PENDING'::"invitation_status" NOT NULL,
	"delivery_status" "delivery_status" DEFAULT 'VALIDATING'::"delivery_status" NOT NULL,
	"token_selector" text NOT NULL,
	"token_verifier_hash" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"last_sent_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"invited_by_id" uuid,
	"accepted_by_id" uuid,
	"responded_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"message_id" text,
	"opened_at" timestamp with time zone,
	"clicked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_receipts" (
	"id" text PRIMARY KEY,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "member_role" NOT NULL,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_org_user_key" UNIQUE("organization_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"blocked_email_domains" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"key" text,
	"window_start" timestamp with time zone,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"email_verified" boolean DEFAULT false NOT NULL,
	"external_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_org_seq_idx" ON "audit_log" ("organization_id","seq");--> statement-breakpoint
CREATE INDEX "delivery_attempts_due_idx" ON "delivery_attempts" ("state","available_at");--> statement-breakpoint
CREATE INDEX "invitation_events_invitation_idx" ON "invitation_events" ("invitation_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_selector_key" ON "invitations" ("token_selector");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_one_pending_key" ON "invitations" ("organization_id",lower("email")) WHERE "status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "invitations_org_created_idx" ON "invitations" ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "invitations_email_idx" ON "invitations" (lower("email"));--> statement-breakpoint
CREATE INDEX "invitations_message_id_idx" ON "invitations" ("message_id");--> statement-breakpoint
CREATE INDEX "invitations_pending_expiry_idx" ON "invitations" ("organization_id","expires_at","created_at") WHERE "status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_external_id_key" ON "users" ("external_id");--> statement-breakpoint
ALTER TABLE "invitation_accept_times" ADD CONSTRAINT "invitation_accept_times_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitation_activity" ADD CONSTRAINT "invitation_activity_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitation_activity_hours" ADD CONSTRAINT "invitation_activity_hours_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitation_cohorts" ADD CONSTRAINT "invitation_cohorts_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_invitation_id_invitations_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "invitations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitation_events" ADD CONSTRAINT "invitation_events_invitation_id_invitations_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "invitations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_id_users_id_fkey" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_accepted_by_id_users_id_fkey" FOREIGN KEY ("accepted_by_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
-- The audit log is evidence: rows may be added, never changed or removed.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
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
-- Adds the facts of the changes to the cohort rollups at every grain: each change lands in its UTC
-- hour, day and week (from Monday), so a range reads whole weeks in its middle, then days and hours
-- towards its ends. The changes are summed into their hours, and the hours into their days and
-- weeks, before the organisation's rollup lock is taken; the lock is held only for the upserts.
-- Static SQL in PL/pgSQL: planned once per connection, not per statement.
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
-- The activity rollups (by 15-minute slot and by hour) from an array of timeline events: the trigger
-- hands it the statement's new rows, and a bulk load that bypasses triggers (seed:demo) hands it the
-- rows it wrote, so both count with the same code. It sums before it takes the rollup lock.
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
--> statement-breakpoint
-- Timeline events land in both activity rollups, through invitation_activity_apply.
CREATE OR REPLACE FUNCTION invitation_activity_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM invitation_activity_apply(array(SELECT n::invitation_events FROM new_rows n));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER invitation_activity_insert AFTER INSERT ON invitation_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION invitation_activity_maintain();

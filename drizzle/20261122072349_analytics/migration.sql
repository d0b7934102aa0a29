CREATE TABLE "invitation_accept_times" (
	"organization_id" uuid,
	"day" date,
	"bucket" smallint,
	"accepted" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "invitation_accept_times_pkey" PRIMARY KEY("organization_id","day","bucket")
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
CREATE TABLE "invitation_cohorts" (
	"organization_id" uuid,
	"day" date,
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
	CONSTRAINT "invitation_cohorts_pkey" PRIMARY KEY("organization_id","day","inviter_id","role")
);
--> statement-breakpoint
CREATE INDEX "invitations_pending_expiry_idx" ON "invitations" ("organization_id","expires_at","created_at") WHERE "status" = 'PENDING';--> statement-breakpoint
ALTER TABLE "invitation_accept_times" ADD CONSTRAINT "invitation_accept_times_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitation_activity" ADD CONSTRAINT "invitation_activity_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "invitation_cohorts" ADD CONSTRAINT "invitation_cohorts_organization_id_organizations_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE;
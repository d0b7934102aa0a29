ALTER TYPE "invitation_event_type" ADD VALUE 'DELIVERY_DEFERRED';--> statement-breakpoint
ALTER TYPE "invitation_event_type" ADD VALUE 'OPENED';--> statement-breakpoint
ALTER TYPE "invitation_event_type" ADD VALUE 'CLICKED';--> statement-breakpoint
CREATE TABLE "email_suppressions" (
	"organization_id" uuid,
	"email" text,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "email_suppressions_pkey" PRIMARY KEY("organization_id","email")
);
--> statement-breakpoint
CREATE TABLE "webhook_receipts" (
	"id" text PRIMARY KEY,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "sealed_link" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "tries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "locked_by" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "opened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "clicked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "blocked_email_domains" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "invitations_message_id_idx" ON "invitations" ("message_id");
ALTER TABLE "invitation_events" ADD COLUMN "status_after" "invitation_status";--> statement-breakpoint
ALTER TABLE "invitation_events" ADD COLUMN "delivery_status_after" "delivery_status";--> statement-breakpoint
CREATE INDEX "invitation_events_organization_seq_idx" ON "invitation_events" ("organization_id","seq");
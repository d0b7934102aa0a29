-- Receipts from before this migration carry only the provider's event id: which organisation and
-- Message-ID they matched was never stored and cannot be recovered. They are dropped (a provider's
-- redelivery of such an event applies once more, as an event applies at least once), and the key
-- becomes the organisation, the Message-ID and the event id.
DELETE FROM "webhook_receipts";--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD COLUMN "organization_id" uuid;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "webhook_receipts" DROP CONSTRAINT "webhook_receipts_pkey";--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD PRIMARY KEY ("organization_id","message_id","id");

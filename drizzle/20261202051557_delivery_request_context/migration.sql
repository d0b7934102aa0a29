ALTER TABLE "delivery_attempts" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "traceparent" text;
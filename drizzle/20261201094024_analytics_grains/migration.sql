-- Cohort rollups by grain (hour, day, week); the rows are counted again from the invitations in the
-- next migration, once the triggers write every grain.
DELETE FROM "invitation_accept_times";--> statement-breakpoint
DELETE FROM "invitation_cohorts";--> statement-breakpoint
CREATE TYPE "rollup_grain" AS ENUM('HOUR', 'DAY', 'WEEK');--> statement-breakpoint
ALTER TABLE "invitation_accept_times" ADD COLUMN "grain" "rollup_grain";--> statement-breakpoint
ALTER TABLE "invitation_accept_times" ADD COLUMN "period" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitation_cohorts" ADD COLUMN "grain" "rollup_grain";--> statement-breakpoint
ALTER TABLE "invitation_cohorts" ADD COLUMN "period" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitation_accept_times" DROP COLUMN "day";--> statement-breakpoint
ALTER TABLE "invitation_cohorts" DROP COLUMN "day";--> statement-breakpoint
ALTER TABLE "invitation_accept_times" ADD PRIMARY KEY ("organization_id","grain","period","bucket");--> statement-breakpoint
ALTER TABLE "invitation_cohorts" ADD PRIMARY KEY ("organization_id","grain","period","inviter_id","role");
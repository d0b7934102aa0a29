CREATE TABLE "account_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"recipient" text NOT NULL,
	"state" text DEFAULT 'QUEUED' NOT NULL,
	"sealed_link" text,
	"expires_at" timestamp with time zone NOT NULL,
	"tries" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "account_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"selector" text NOT NULL UNIQUE,
	"verifier_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_addresses" (
	"email" text,
	"address" text,
	"last_login_at" timestamp with time zone NOT NULL,
	CONSTRAINT "login_addresses_pkey" PRIMARY KEY("email","address")
);
--> statement-breakpoint
CREATE TABLE "rate_limit_backoffs" (
	"key" text PRIMARY KEY,
	"failures" integer NOT NULL,
	"last_failure_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "session_generation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "account_emails_due_idx" ON "account_emails" ("state","available_at");--> statement-breakpoint
CREATE INDEX "account_tokens_user_idx" ON "account_tokens" ("user_id","purpose");--> statement-breakpoint
ALTER TABLE "account_emails" ADD CONSTRAINT "account_emails_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;
--> statement-breakpoint
-- Accounts that an anonymous accept made before the mailbox proof existed were marked verified by a
-- link the inviter had seen too: they proved nothing. They keep working, unverified, until their
-- owner verifies the address (a verification email or a password reset).
UPDATE "users" SET "email_verified" = false
WHERE "external_id" IS NULL AND "id"::text IN (
	SELECT "target_id" FROM "audit_log"
	WHERE "action" = 'user.signed_up' AND "target_type" = 'User' AND "data"->>'via' = 'invitation'
);

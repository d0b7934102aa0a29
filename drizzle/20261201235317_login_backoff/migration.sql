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

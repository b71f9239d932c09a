CREATE TABLE "halo_request_budgets" (
	"key" text PRIMARY KEY NOT NULL,
	"starts_ms" double precision[] DEFAULT '{}'::double precision[] NOT NULL,
	"paused_until_ms" double precision,
	"rate_limited_total" integer DEFAULT 0 NOT NULL,
	"last_rate_limited_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "budget_requests" integer;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "budget_window_seconds" integer;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_budget_requests_check" CHECK ("integrations"."budget_requests" > 0);--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_budget_window_seconds_check" CHECK ("integrations"."budget_window_seconds" > 0);
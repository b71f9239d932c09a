CREATE TABLE "lifecycle_summary_cache" (
	"integration_id" uuid NOT NULL,
	"cache_key" text NOT NULL,
	"summary" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lifecycle_summary_cache_integration_id_cache_key_pk" PRIMARY KEY("integration_id","cache_key")
);
--> statement-breakpoint
ALTER TABLE "lifecycle_summary_cache" ADD CONSTRAINT "lifecycle_summary_cache_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"api_key_hash" text NOT NULL,
	"api_key_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_api_key_hash_unique" UNIQUE("api_key_hash")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"integration_id" uuid NOT NULL,
	"halo_id" integer NOT NULL,
	"name" text NOT NULL,
	"toplevel_id" integer,
	"toplevel_name" text,
	"inactive" boolean NOT NULL,
	"raw" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"last_seen_sync_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "customers_integration_id_halo_id_pk" PRIMARY KEY("integration_id","halo_id")
);
--> statement-breakpoint
CREATE TABLE "hardware_assets" (
	"integration_id" uuid NOT NULL,
	"halo_id" integer NOT NULL,
	"inventory_number" text,
	"key_field" text,
	"key_field2" text,
	"key_field3" text,
	"customer_halo_id" integer,
	"customer_name" text,
	"site_id" integer,
	"site_name" text,
	"asset_type_id" integer,
	"asset_type_name" text,
	"status_id" integer,
	"status_name" text,
	"inactive" boolean NOT NULL,
	"username" text,
	"warranty_start" timestamp with time zone,
	"warranty_end" timestamp with time zone,
	"purchase_date" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"last_seen_sync_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "hardware_assets_integration_id_halo_id_pk" PRIMARY KEY("integration_id","halo_id")
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"resource_server_url" text NOT NULL,
	"auth_server_url" text NOT NULL,
	"tenant" text DEFAULT '' NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_enc" text NOT NULL,
	"client_secret_last4" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "software_assets" (
	"integration_id" uuid NOT NULL,
	"halo_id" integer NOT NULL,
	"name" text,
	"type" text,
	"manufacturer" text,
	"vendor" text,
	"customer_halo_id" integer,
	"site_id" integer,
	"licence_count" integer,
	"licences_in_use" integer,
	"product_sku" text,
	"status" text,
	"inactive" boolean NOT NULL,
	"start_date" timestamp with time zone,
	"end_date" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"last_seen_sync_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "software_assets_integration_id_halo_id_pk" PRIMARY KEY("integration_id","halo_id")
);
--> statement-breakpoint
CREATE TABLE "sync_pages" (
	"sync_run_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"page_no" integer NOT NULL,
	"received" integer NOT NULL,
	"created" integer NOT NULL,
	"updated" integer NOT NULL,
	"unchanged" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_pages_sync_run_id_kind_page_no_pk" PRIMARY KEY("sync_run_id","kind","page_no"),
	CONSTRAINT "sync_pages_kind_check" CHECK ("sync_pages"."kind" in ('customers', 'hardware', 'software'))
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"phase" text DEFAULT 'starting' NOT NULL,
	"pages_done" integer DEFAULT 0 NOT NULL,
	"pages_total" integer DEFAULT 0 NOT NULL,
	"counts" jsonb NOT NULL,
	"error" text,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_run_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "sync_runs_kind_check" CHECK ("sync_runs"."kind" in ('full', 'incremental')),
	CONSTRAINT "sync_runs_status_check" CHECK ("sync_runs"."status" in ('running', 'completed', 'failed', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware_assets" ADD CONSTRAINT "hardware_assets_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "software_assets" ADD CONSTRAINT "software_assets_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_pages" ADD CONSTRAINT "sync_pages_sync_run_id_sync_runs_id_fk" FOREIGN KEY ("sync_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hardware_assets_customer_idx" ON "hardware_assets" USING btree ("integration_id","customer_halo_id","halo_id");--> statement-breakpoint
CREATE INDEX "integrations_account_id_idx" ON "integrations" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "software_assets_customer_idx" ON "software_assets" USING btree ("integration_id","customer_halo_id","halo_id");--> statement-breakpoint
CREATE INDEX "sync_runs_integration_started_idx" ON "sync_runs" USING btree ("integration_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_running_idx" ON "sync_runs" USING btree ("integration_id") WHERE status = 'running';
CREATE TABLE "sync_run_totals" (
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "sync_run_totals_kind_status_metric_pk" PRIMARY KEY("kind","status","metric")
);
--> statement-breakpoint
DROP INDEX "integrations_account_id_idx";--> statement-breakpoint
CREATE INDEX "hardware_assets_live_customer_idx" ON "hardware_assets" USING btree ("integration_id","customer_halo_id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "hardware_assets_search_idx" ON "hardware_assets" USING gin ((coalesce("inventory_number", '') || E'\x1f' || coalesce("key_field", '') || E'\x1f' || coalesce("key_field2", '') || E'\x1f' || coalesce("key_field3", '') || E'\x1f' || coalesce("customer_name", '') || E'\x1f' || coalesce("site_name", '') || E'\x1f' || coalesce("asset_type_name", '') || E'\x1f' || coalesce("status_name", '') || E'\x1f' || coalesce("username", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "integrations_account_created_idx" ON "integrations" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "software_assets_live_customer_idx" ON "software_assets" USING btree ("integration_id","customer_halo_id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "software_assets_search_idx" ON "software_assets" USING gin ((coalesce("name", '') || E'\x1f' || coalesce("type", '') || E'\x1f' || coalesce("manufacturer", '') || E'\x1f' || coalesce("vendor", '') || E'\x1f' || coalesce("product_sku", '') || E'\x1f' || coalesce("status", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "sync_runs_history_idx" ON "sync_runs" USING btree ("integration_id",date_trunc('milliseconds', "started_at" at time zone 'UTC') desc,"id" DESC NULLS FIRST);
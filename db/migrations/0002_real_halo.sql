ALTER TABLE "hardware_assets" ADD COLUMN "parent_id" integer;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "token_scope" text;--> statement-breakpoint
CREATE INDEX "hardware_assets_parent_idx" ON "hardware_assets" USING btree ("integration_id","parent_id","halo_id") WHERE "hardware_assets"."parent_id" is not null;
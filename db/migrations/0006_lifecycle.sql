CREATE TABLE "lifecycle_policies" (
	"account_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"years" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lifecycle_policies_account_id_scope_key_pk" PRIMARY KEY("account_id","scope","key"),
	CONSTRAINT "lifecycle_policies_years" CHECK ("lifecycle_policies"."years" between 1 and 50)
);
--> statement-breakpoint
ALTER TABLE "hardware_assets" ADD COLUMN "lifecycle_category" text GENERATED ALWAYS AS (case when asset_type_name ~* 'laptop|notebook|ultrabook|macbook' then 'laptop' when asset_type_name ~* 'desktop|workstation|\mpc\M|\mimac\M' then 'desktop' when asset_type_name ~* 'server' then 'server' when asset_type_name ~* 'firewall|switch|router|access.?point|wireless|network' then 'network' else 'other' end) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_policies" ADD CONSTRAINT "lifecycle_policies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hardware_assets_lifecycle_idx" ON "hardware_assets" USING btree ("integration_id","customer_halo_id","warranty_end","purchase_date","warranty_start","lifecycle_category","asset_type_name","inactive") WHERE "hardware_assets"."deleted_at" is null;
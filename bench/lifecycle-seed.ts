// A synthetic synced inventory for the lifecycle benchmark, written by PostgreSQL itself (generate_series)
// so that a million rows take a minute rather than a sync: dates spread over eight years either side of
// today, a tenth with no warranty end and some with Halo's 1900 "no date", raw JSON of a realistic size.
import type { BenchDatabase } from './database';

export interface LifecycleSeed {
  integrationId: string;
  hardware: number;
  software: number;
  customers: number;
}

export async function seedLifecycle(database: BenchDatabase, seed: LifecycleSeed): Promise<void> {
  const { sql } = database;
  const { integrationId, hardware, software, customers } = seed;
  await sql`select setseed(0.42)`;
  await sql`
    insert into customers (integration_id, halo_id, name, inactive, raw, content_hash)
    select ${integrationId}::uuid, c, 'Customer ' || c, false, jsonb_build_object('id', c, 'name', 'Customer ' || c), md5(c::text)
    from generate_series(1, ${customers}::int) as c`;
  await sql`
    insert into hardware_assets (integration_id, halo_id, inventory_number, key_field, key_field2, key_field3,
      customer_halo_id, customer_name, site_id, site_name, asset_type_id, asset_type_name, status_id, status_name,
      inactive, username, purchase_date, warranty_start, warranty_end, raw, content_hash)
    select ${integrationId}::uuid, i, 'INV-' || i,
      -- One in a thousand names looks like a spreadsheet formula, as hostile Halo data might.
      case when i % 1000 = 0 then '=HYPERLINK("http://x", "host-' || i || '")' else 'host-' || i end,
      'SN' || substr(md5(i::text), 1, 12), 'Model ' || (i % 50), c, 'Customer ' || c, c * 10 + i % 3,
      'Site ' || (i % 3), t, (array['Laptop', 'Desktop', 'Server', 'Firewall', 'Switch', 'Printer', 'Monitor', 'Mobile Phone'])[t],
      1, 'Active', i % 50 = 0, 'user' || (i % 997), purchase, coalesce(purchase, start), warranty_end,
      jsonb_build_object('id', i, 'inventory_number', 'INV-' || i, 'key_field', 'host-' || i, 'client_id', c,
        'client_name', 'Customer ' || c, 'assettype_id', t, 'notes', repeat('n', 200)),
      md5(i::text)
    from (
      select i, 1 + ((i::bigint * 7919) % ${customers}::int)::int as c, 1 + i % 8 as t,
        case when random() < 0.2 then null else (now() - random() * interval '8 years') end as purchase,
        now() - random() * interval '7 years' as start,
        case when random() < 0.1 then null when random() < 0.02 then timestamptz '1900-01-01'
          else now() + (random() * 8 - 4) * interval '1 year' end as warranty_end
      from generate_series(1, ${hardware}::int) as i
    ) as g`;
  await sql`
    insert into software_assets (integration_id, halo_id, name, type, customer_halo_id, licence_count,
      licences_in_use, inactive, start_date, end_date, raw, content_hash)
    select ${integrationId}::uuid, i, 'Licence ' || i, 'Subscription', 1 + ((i::bigint * 7919) % ${customers}::int)::int,
      n, (n * random())::int, false, now() - interval '1 year',
      case when random() < 0.3 then null else now() + (random() * 2 - 0.2) * interval '1 year' end,
      jsonb_build_object('id', i), md5(i::text)
    from (select i, 1 + (random() * 99)::int as n from generate_series(1, ${software}::int) as i) as g`;
  // Index-only scans need the visibility map, and the planner needs statistics, as a settled database has.
  await sql`vacuum analyze customers, hardware_assets, software_assets`;
}

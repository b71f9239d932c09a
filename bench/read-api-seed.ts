// The read phase's data, written by PostgreSQL itself (generate_series), not through Halo and Temporal: a
// million assets are seeded in about a minute instead of the ten a full sync would take. The values follow
// the Halo stand-in's shapes (hostnames like LT-000123, ten-character serials, INV- numbers, users, a few
// thousand customers of very different sizes), so the planner sees the distributions a real tenant has.
import type postgres from 'postgres';
import { createAccount } from '../db/accounts-repository';
import type { DatabaseHandle } from '../db/client';

export interface ReadSeedSizes {
  assets: number;
  licences: number;
  customers: number;
  /** Integrations of other accounts, each with a short run history, so the tables hold a fleet's rows. */
  otherIntegrations: number;
  /** Runs in the measured integration's history. */
  runs: number;
}

export interface ReadSeed {
  sizes: ReadSeedSizes;
  apiKey: string;
  accountId: string;
  integrationId: string;
  seedMs: number;
}

const typeCodes = `(array['LT','PC','SRV','PRN','FW','MOB'])`;
const typeNames = `(array['Laptop','Desktop','Server','Printer','Firewall','Mobile Phone'])`;
const models = `(array['Latitude 7440','ThinkPad T14 Gen 4','OptiPlex 7010','PowerEdge R650','LaserJet M507','iPhone 15'])`;
const firstNames = `(array['olivia','liam','emma','noah','ava','elijah','sophia','lucas','mia','mateo','amelia','levi',
  'harper','ezra','evelyn','leo','luna','james','ella','jack','chloe','henry','nora','owen','zoe','theo','lily',
  'jonas','anna','paul','marie','felix','lena','max','sara','ben','julia','finn','laura','tom'])`;
const lastNames = `(array['smith','jones','garcia','miller','davis','martin','lopez','wilson','anderson','thomas',
  'taylor','moore','jackson','white','harris','clark','lewis','young','walker','hall','allen','king','wright',
  'scott','green','baker','adams','nelson','hill','campbell','mitchell','roberts','carter','phillips','evans',
  'turner','torres','parker','collins','edwards','stewart','morris','murphy','cook','rogers','morgan','peterson',
  'cooper','reed','bailey'])`;
// Customer n's name, the same wherever it is written (customers and the assets' customer_name).
const customerName = (n: string) =>
  `(array['Acme','Globex','Initech','Umbrella','Stark','Wayne','Hooli','Vandelay','Soylent','Tyrell'])[1 + ${n} % 10]
   || ' ' || (array['Ltd','GmbH','Inc','BV','SARL','Pty Ltd'])[1 + ${n} % 6] || ' ' || ${n}`;
// Customer sizes vary a lot: the square of a uniform draw gives the first customers most of the assets.
const skewedCustomer = (customers: number) => `1 + floor(${customers} * power(random(), 2))::int`;

/** Seeds a migrated database; test/db/read-plans.test.ts seeds a small one the same way. */
export async function seedReadDatabase(
  database: Pick<DatabaseHandle, 'db' | 'sql'>,
  sizes: ReadSeedSizes,
): Promise<ReadSeed> {
  const started = performance.now();
  const account = await createAccount(database.db, 'Read benchmark MSP');
  const sql = database.sql;
  const [integration] = await sql<{ id: string }[]>`
    insert into integrations (account_id, resource_server_url, auth_server_url, tenant, client_id,
                              client_secret_enc, client_secret_last4)
    values (${account.accountId}, 'https://bench.example/api', 'https://bench.example/auth', 'bench', 'bench',
            'not-a-secret', 'none')
    returning id`;
  if (!integration) throw new Error('Seeding the integration returned no row');
  const id = integration.id;

  await sql.begin(async (tx) => {
    await tx`select setseed(0.42)`;
    await seedCustomers(tx, id, sizes.customers);
    await seedHardware(tx, id, sizes);
    await seedSoftware(tx, id, sizes);
    // The totals' triggers suit runs that end one at a time; thousands in one transaction would each rewrite
    // the same rows. They are summed once at the end instead, as the migration that adds them does.
    await tx`set local session_replication_role = replica`;
    await seedFleet(tx, sizes.otherIntegrations);
    await seedHistory(tx, id, account.accountId, sizes.runs);
    await tx`
      insert into sync_run_totals (kind, status, metric, value)
      select r.kind, r.status, c.metric, sum(c.value)
      from sync_runs as r cross join lateral sync_run_contribution(r) as c
      where r.status <> 'running'
      group by r.kind, r.status, c.metric`;
    await tx`set local session_replication_role = origin`;
  });
  // Autovacuum would get there too; the figures should not depend on when it last ran.
  for (const table of ['customers', 'hardware_assets', 'software_assets', 'integrations', 'sync_runs']) {
    await sql`vacuum (analyze) ${sql(table)}`;
  }
  return {
    sizes,
    apiKey: account.apiKey,
    accountId: account.accountId,
    integrationId: id,
    seedMs: Math.round(performance.now() - started),
  };
}

async function seedCustomers(tx: postgres.TransactionSql, id: string, customers: number) {
  await tx.unsafe(
    `insert into customers (integration_id, halo_id, name, toplevel_id, toplevel_name, inactive, raw, content_hash)
     select $1::uuid, n, ${customerName('n')}, 1 + n % 3,
            (array['Managed Services','Projects','Internal'])[1 + n % 3], random() < 0.06,
            jsonb_build_object('id', n, 'name', ${customerName('n')}), md5(n::text)
     from generate_series(1, $2::int) as n`,
    [id, customers],
  );
}

async function seedHardware(tx: postgres.TransactionSql, id: string, sizes: ReadSeedSizes) {
  await tx.unsafe(
    `insert into hardware_assets (integration_id, halo_id, inventory_number, key_field, key_field2, key_field3,
       customer_halo_id, customer_name, site_id, site_name, asset_type_id, asset_type_name, status_id,
       status_name, inactive, username, warranty_start, warranty_end, purchase_date, raw, content_hash,
       deleted_at)
     select $1::uuid, r.halo_id, r.inventory_number, r.hostname, r.serial, r.model, r.customer,
            ${customerName('r.customer')}, r.customer * 10, 'Head Office', r.type, r.type_name,
            case when r.inactive then 3 else 1 end, case when r.inactive then 'Retired' else 'Active' end,
            r.inactive, r.username, r.bought, r.bought + interval '3 years', r.bought,
            jsonb_build_object('id', r.halo_id, 'inventory_number', r.inventory_number, 'key_field', r.hostname,
              'key_field2', r.serial, 'key_field3', r.model, 'client_id', r.customer, 'username', r.username,
              'assettype_name', r.type_name, 'inactive', r.inactive,
              'fields', jsonb_build_array(jsonb_build_object('id', 11, 'name', 'CFOperatingSystem',
                'value', 'Windows 11 Pro'), jsonb_build_object('id', 12, 'name', 'CFRamGb', 'value', '16'))),
            md5(r.halo_id::text), case when random() < 0.01 then now() end
     from (
       select n + n / 6 as halo_id,
              case when random() < 0.1 then '' else 'INV-' || lpad(n::text, 7, '0') end as inventory_number,
              ${typeCodes}[1 + n % 6] || '-' || lpad(n::text, 6, '0') as hostname,
              upper(substr(md5(n::text || 'serial'), 1, 10)) as serial,
              ${models}[1 + n % 6] as model,
              1 + n % 6 as type, ${typeNames}[1 + n % 6] as type_name,
              ${skewedCustomer(sizes.customers)} as customer,
              random() < 0.07 as inactive,
              ${firstNames}[1 + floor(random() * 40)::int] || '.' || ${lastNames}[1 + floor(random() * 50)::int]
                as username,
              timestamptz '2018-01-01' + floor(random() * 2500) * interval '1 day' as bought
       from generate_series(1, $2::int) as n
     ) as r`,
    [id, sizes.assets],
  );
}

async function seedSoftware(tx: postgres.TransactionSql, id: string, sizes: ReadSeedSizes) {
  await tx.unsafe(
    `insert into software_assets (integration_id, halo_id, name, type, manufacturer, vendor, customer_halo_id,
       site_id, licence_count, licences_in_use, product_sku, status, inactive, start_date, end_date, raw,
       content_hash)
     select $1::uuid, n, p.name || ' ' || (n % 50), 'Subscription', p.maker, 'Pax8', p.customer, p.customer * 10,
            100, 40, upper(substr(md5(n::text || 'sku'), 1, 12)), 'Active', false, now(), now(),
            jsonb_build_object('id', n, 'name', p.name, 'manufacturer', p.maker), md5(n::text)
     from (
       select n, ${skewedCustomer(sizes.customers)} as customer,
              (array['Microsoft 365 Business Premium','Adobe Acrobat Pro','Sophos Intercept X','AutoCAD LT'])[1 + n % 4]
                as name,
              (array['Microsoft','Adobe','Sophos','Autodesk'])[1 + n % 4] as maker
       from generate_series(1, $2::int) as n
     ) as p`,
    [id, sizes.licences],
  );
}

/** Other accounts' integrations, ten per account, each with a few runs and their pages. */
async function seedFleet(tx: postgres.TransactionSql, count: number) {
  if (count === 0) return;
  await tx.unsafe(
    `with a as (
       insert into accounts (name)
       select 'Fleet account ' || n from generate_series(1, $1::int) as n
       returning id
     ), numbered as (select id, row_number() over () as k from a)
     insert into integrations (account_id, resource_server_url, auth_server_url, tenant, client_id,
                               client_secret_enc, client_secret_last4)
     select numbered.id, 'https://t' || numbered.k || '.example/api', 'https://t' || numbered.k || '.example/auth',
            't' || numbered.k, 'client', 'not-a-secret', 'none'
     from numbered cross join generate_series(1, 10)`,
    [Math.ceil(count / 10)],
  );
  await tx.unsafe(
    `insert into sync_runs (id, account_id, integration_id, kind, status, phase, pages_done, pages_total, counts,
                            workflow_id, started_at, finished_at)
     select gen_random_uuid(), i.account_id, i.id, 'incremental', 'completed', 'completed', 5, 5, ${countsJson},
            'halo-sync-' || i.id, now() - k * interval '1 hour', now() - k * interval '1 hour' + interval '30 seconds'
     from integrations as i cross join generate_series(1, 20) as k
     where i.tenant like 't%'`,
  );
  await tx.unsafe(
    `insert into sync_pages (sync_run_id, kind, page_no, received, created, updated, unchanged)
     select r.id, 'hardware', p, 100, 0, 0, 100 from sync_runs as r cross join generate_series(1, 5) as p`,
  );
}

const countsJson = `jsonb_build_object(
  'assets', jsonb_build_object('seen', 500, 'created', 0, 'updated', 3, 'unchanged', 497, 'deleted', 0),
  'software', jsonb_build_object('seen', 0, 'created', 0, 'updated', 0, 'unchanged', 0, 'deleted', 0),
  'customers', jsonb_build_object('seen', 0, 'created', 0, 'updated', 0, 'unchanged', 0, 'deleted', 0))`;

/** The measured integration's runs: hourly incrementals and a daily full sync, newest an hour ago. */
async function seedHistory(tx: postgres.TransactionSql, id: string, accountId: string, runs: number) {
  await tx.unsafe(
    `insert into sync_runs (id, account_id, integration_id, kind, status, phase, pages_done, pages_total, counts,
                            workflow_id, started_at, finished_at)
     select gen_random_uuid(), $2::uuid, $1::uuid, case when k % 24 = 0 then 'full' else 'incremental' end,
            case when k % 50 = 0 then 'failed' else 'completed' end, 'completed', 5, 5, ${countsJson},
            'halo-sync-' || $1, now() - k * interval '1 hour', now() - k * interval '1 hour' + interval '40 seconds'
     from generate_series(1, $3::int) as k`,
    [id, accountId, runs],
  );
}

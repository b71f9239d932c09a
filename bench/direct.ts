// The direct baseline, run as its own process: the same Halo client and the same write code as the syncPage
// activity (upsertRecords + recordPage in one transaction per page, or per batch of `pagesPerTransaction`
// pages fetched together, as the activity does), in a plain loop without Temporal, with the workflow's paging
// (first page alone, then a window of `concurrency` writes), over one tenant or over a fleet's tenants a few
// at a time. Prints one JSON line.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDatabase } from '../db/client';
import { upsertRecords } from '../db/records-repository';
import { insertSyncRun, recordPage } from '../db/sync-runs-repository';
import { createHaloClient } from '../halo/client';
import { toRecord } from '../halo/parse';
import type { HaloKind } from '../halo/records';
import type { HaloSettings } from '../halo/settings';
import { effectivePageSize, pagesFor } from '../halo/paging';
import { syncOrder } from '../workflows/paging';
import { eachAtMost } from './at-most';

export interface DirectTenant {
  accountId: string;
  integrationId: string;
  settings: HaloSettings;
}

export interface DirectInput {
  databaseUrl: string;
  /** One tenant (phase 2), or a fleet's tenants (phase 5: the same work as the fleet, without Temporal). */
  tenants: DirectTenant[];
  /** Tenants synced at once; each keeps `concurrency` writes in flight. */
  tenantConcurrency: number;
  pageSize: number;
  concurrency: number;
  pagesPerTransaction: number;
  poolMax: number;
}

export interface DirectResult {
  type: 'direct-result';
  wallMs: number;
  records: Record<HaloKind, number>;
  pages: number;
  requests: number;
  /** This process's CPU seconds during the loop, and its peak RSS over its life. */
  cpuSeconds: number;
  peakRssMb: number;
}

// The input names a JSON file: a fleet's tenants are too many for one command-line argument.
const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as DirectInput;
const database = createDatabase(input.databaseUrl, { max: input.poolMax });
let requests = 0;
const records: Record<HaloKind, number> = { customers: 0, hardware: 0, software: 0 };
let pages = 0;

/** A tenant's full sync: each kind's first page alone, then a window of `concurrency` batches. */
async function syncTenant(tenant: DirectTenant): Promise<void> {
  const client = createHaloClient({
    settings: tenant.settings,
    allowPrivate: true,
    onRequest: () => void requests++,
  });
  const syncRunId = randomUUID();
  await insertSyncRun(database.db, {
    id: syncRunId,
    accountId: tenant.accountId,
    integrationId: tenant.integrationId,
    kind: 'full',
    workflowId: 'bench-direct',
  });

  async function syncPages(kind: HaloKind, pageNo: number, count: number, pageSize: number) {
    const pageNos = Array.from({ length: count }, (_, i) => pageNo + i);
    const fetched = await Promise.all(pageNos.map((n) => client.listPage(kind, n, pageSize)));
    const rows = fetched.flatMap((page) => page.items).map((raw) => toRecord(kind, raw));
    await database.db.transaction(async (tx) => {
      const written = await upsertRecords(tx, kind, tenant.integrationId, rows, { seenBySyncId: syncRunId });
      await recordPage(tx, { syncRunId, kind, pageNo, pages: count, received: rows.length, ...written });
    });
    records[kind] += rows.length;
    pages += count;
    return { received: rows.length, recordCount: Math.max(...fetched.map((page) => page.recordCount)) };
  }

  for (const kind of syncOrder) {
    const first = await syncPages(kind, 1, 1, input.pageSize);
    const pageSize = effectivePageSize(input.pageSize, first);
    let pagesTotal = pagesFor(first.recordCount, pageSize);
    let nextPage = 2;
    const worker = async () => {
      while (nextPage <= pagesTotal) {
        const count = Math.min(input.pagesPerTransaction, pagesTotal - nextPage + 1);
        const from = nextPage;
        nextPage += count;
        const { recordCount } = await syncPages(kind, from, count, pageSize);
        pagesTotal = Math.max(pagesTotal, pagesFor(recordCount, pageSize));
      }
    };
    await Promise.all(Array.from({ length: input.concurrency }, worker));
  }
}

// The parent starts watching the machine's CPU at this line.
console.log(JSON.stringify({ type: 'direct-start' }));
const cpuAtStart = process.cpuUsage();
const started = performance.now();
await eachAtMost(input.tenants, input.tenantConcurrency, syncTenant);
const cpuSpent = process.cpuUsage(cpuAtStart);
const result: DirectResult = {
  type: 'direct-result',
  wallMs: Math.round(performance.now() - started),
  records,
  pages,
  requests,
  cpuSeconds: Math.round((cpuSpent.user + cpuSpent.system) / 100_000) / 10,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(result));
// Keep the connections (and so their backends' CPU counters) until the parent has read its figures.
if (process.send) await new Promise((resolve) => process.once('message', resolve));
await database.close();
process.disconnect?.();

// How stored rows are shown through the API. Secrets never appear: only whether one is set and its tail.
import type { IntegrationRow } from '../db/integrations-repository';
import type { SyncRunRow } from '../db/sync-runs-repository';
import type { SyncService } from './sync-service';

export function integrationView(row: IntegrationRow) {
  return {
    id: row.id,
    resourceServerUrl: row.resourceServerUrl,
    authServerUrl: row.authServerUrl,
    tenant: row.tenant,
    clientId: row.clientId,
    clientSecretSet: true,
    clientSecretLast4: row.clientSecretLast4,
    tokenScope: row.tokenScope,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function syncView(run: SyncRunRow, syncs: Pick<SyncService, 'temporalUiUrl'>) {
  return {
    id: run.id,
    integrationId: run.integrationId,
    kind: run.kind,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    progress: {
      phase: run.phase,
      pagesDone: run.pagesDone,
      pagesTotal: Math.max(run.pagesTotal, run.pagesDone),
    },
    counts: run.counts,
    error: run.error,
    warnings: run.warnings,
    workflowId: run.workflowId,
    temporalUiUrl: syncs.temporalUiUrl(run.workflowId, run.workflowRunId),
  };
}

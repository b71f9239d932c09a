// What the service tells webhooks, built from what the database recorded. Pure: no I/O.
import type { SyncRun, WebhookEvent } from '../db/schema/index';

const permissionWords = /permission|credential|secret|client id|unauthori[sz]ed|refused|tenant/i;

/** A next step for a failed run, so a message read at 3 a.m. says what to do. */
function whatToDoAbout(error: string): string {
  return permissionWords.test(error)
    ? "Check the integration's Halo application (credentials, permissions, tenant), then run a full sync."
    : 'The next scheduled sync tries again; if it keeps failing, check that Halo is reachable and run a sync by hand.';
}

/** The events one finished run raises: completed or failed, and a warning when it has warnings. */
export function eventsOfRun(run: SyncRun, tenant: string): WebhookEvent[] {
  const occurredAt = (run.finishedAt ?? new Date()).toISOString();
  const base = { accountId: run.accountId, integrationId: run.integrationId, occurredAt };
  const about = {
    tenant,
    syncRunId: run.id,
    kind: run.kind,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
  const events: WebhookEvent[] = [];
  if (run.status === 'completed') {
    events.push({
      ...base,
      id: `sync.completed:${run.id}`,
      type: 'sync.completed',
      data: { ...about, counts: run.counts },
    });
  } else if (run.status === 'failed') {
    const error = run.error ?? 'The sync failed for an unknown reason.';
    events.push({
      ...base,
      id: `sync.failed:${run.id}`,
      type: 'sync.failed',
      data: { ...about, error, whatToDo: whatToDoAbout(error) },
    });
  }
  if (run.warnings.length > 0 && run.status !== 'cancelled') {
    events.push({
      ...base,
      id: `sync.warning:${run.id}`,
      type: 'sync.warning',
      data: { ...about, warnings: run.warnings },
    });
  }
  return events;
}

export function staleEvent(input: {
  accountId: string;
  integrationId: string;
  tenant: string;
  lastSuccessAt: Date | null;
  staleAfterHours: number;
}): WebhookEvent {
  const since = input.lastSuccessAt?.toISOString() ?? 'never';
  return {
    id: `integration.stale:${input.integrationId}:${since}`,
    type: 'integration.stale',
    occurredAt: new Date().toISOString(),
    accountId: input.accountId,
    integrationId: input.integrationId,
    data: {
      tenant: input.tenant,
      lastSuccessAt: input.lastSuccessAt?.toISOString() ?? null,
      staleAfterHours: input.staleAfterHours,
      whatToDo: "Open the integration's sync history to see why syncs stopped completing, then run a sync.",
    },
  };
}

export function testEvent(accountId: string, id: string): WebhookEvent {
  return {
    id: `webhook.test:${id}`,
    type: 'webhook.test',
    occurredAt: new Date().toISOString(),
    accountId,
    integrationId: null,
    data: { message: 'A test event from the Halo asset sync: this webhook is reachable.' },
  };
}

/** One line a person reads in Slack or Teams. */
export function summaryOf(event: WebhookEvent): { title: string; text: string } {
  const d = event.data;
  const tenant = typeof d['tenant'] === 'string' && d['tenant'] ? d['tenant'] : 'on-premises Halo';
  switch (event.type) {
    case 'sync.completed':
      return { title: `Sync of ${tenant} completed`, text: `The ${String(d['kind'])} sync finished.` };
    case 'sync.failed':
      return { title: `Sync of ${tenant} failed`, text: `${String(d['error'])} ${String(d['whatToDo'])}` };
    case 'sync.warning':
      return { title: `Sync of ${tenant} needs attention`, text: (d['warnings'] as string[]).join(' ') };
    case 'integration.stale':
      return {
        title: `${tenant} is stale`,
        text: `No sync has completed for ${String(d['staleAfterHours'])} hours (last: ${typeof d['lastSuccessAt'] === 'string' ? d['lastSuccessAt'] : 'never'}). ${String(d['whatToDo'])}`,
      };
    case 'webhook.test':
      return { title: 'Test event', text: String(d['message']) };
  }
}

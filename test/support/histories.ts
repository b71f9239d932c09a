import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** Every run of a workflow, following continue-as-new from the first run to the last. */
export async function runHistories(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<temporal.api.history.v1.IHistory[]> {
  const histories: temporal.api.history.v1.IHistory[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
  }
  return histories;
}

/** A history as text, with every payload decoded, so tests can search it for what must never be there. */
export function historyText(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(history, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
  );
}

/** The size of the largest payload in a history, in bytes. */
export function largestPayload(history: temporal.api.history.v1.IHistory): number {
  let largest = 0;
  JSON.stringify(history, (key, value: unknown) => {
    if (key === 'data' && value instanceof Uint8Array) largest = Math.max(largest, value.byteLength);
    return value;
  });
  return largest;
}

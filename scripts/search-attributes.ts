import { Connection, type ConnectionOptions } from '@temporalio/client';
// A CommonJS package: under ESM its namespace comes as the default export.
import proto from '@temporalio/proto';
import { searchAttributeDefinitions } from '../config/temporal-identity';
import { waitFor } from './children';

/**
 * Registers the project's search attributes on a Temporal server (idempotent: existing ones are kept), so
 * runs can be filtered by integration, account and sync kind in the Temporal UI.
 */
export async function registerSearchAttributes(
  server: string | ConnectionOptions,
  namespace: string,
): Promise<void> {
  const connection = await Connection.connect(typeof server === 'string' ? { address: server } : server);
  try {
    // A freshly started dev server answers before its namespace is ready.
    await waitFor(
      `namespace ${namespace}`,
      async () => {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      },
      30_000,
    );
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = searchAttributeDefinitions.filter((a) => !(a.name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((a) => [a.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  } finally {
    await connection.close();
  }
}

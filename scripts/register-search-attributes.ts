// Registers HaloIntegrationId, HaloAccountId and HaloSyncKind (Keyword) on the configured Temporal namespace,
// over the same connection settings as the worker and the API; a one-shot step of a deployment.
//   node --import tsx scripts/register-search-attributes.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnv } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { searchAttributeDefinitions } from '../config/temporal-identity';
import { registerSearchAttributes } from './search-attributes';

const env = parseEnv(process.env);
const names = searchAttributeDefinitions.map((a) => a.name).join(', ');
// A namespace created a moment ago can refuse new attributes until the server's namespace cache catches up.
for (let attempt = 1; ; attempt++) {
  try {
    await registerSearchAttributes(temporalConnectionOptions(env), env.TEMPORAL_NAMESPACE);
    break;
  } catch (error) {
    if (attempt === 5) throw error;
    console.error(`[setup] registering ${names} failed (${String(error)}); trying again`);
    await sleep(3000 * attempt);
  }
}
console.error(`[setup] search attributes ${names} are registered on namespace ${env.TEMPORAL_NAMESPACE}`);

// Runs the stand-in alone for manual trials:
//   tsx standin/cli.ts --port 8484 --assets 2500
//   tsx standin/cli.ts --rate-limit 300/300 --error-rate 0.02 --latency 50-400
// and prints the five values to paste into the product's HaloITSM Setup form.
import { parseArgs } from 'node:util';
import { startHaloStandin, type StandinOptions } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8484' },
    seed: { type: 'string' },
    customers: { type: 'string' },
    assets: { type: 'string' },
    licences: { type: 'string' },
    'page-cap': { type: 'string' },
    tenant: { type: 'string' },
    'token-lifetime': { type: 'string' },
    'software-forbidden': { type: 'boolean', default: false },
    'no-repeat-last-page': { type: 'boolean', default: false },
    'honour-last-update': { type: 'boolean', default: false },
    'rate-limit': { type: 'string' },
    'error-rate': { type: 'string' },
    'reset-rate': { type: 'string' },
    'timeout-rate': { type: 'string' },
    'truncate-rate': { type: 'string' },
    'malformed-rate': { type: 'string' },
    latency: { type: 'string' },
  },
});

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
}

const options: StandinOptions = {
  softwareForbidden: values['software-forbidden'],
  repeatLastPage: !values['no-repeat-last-page'],
  honourLastUpdateFilter: values['honour-last-update'],
};
const numbers = {
  port: numberOption('port', values.port),
  seed: numberOption('seed', values.seed),
  customers: numberOption('customers', values.customers),
  assets: numberOption('assets', values.assets),
  licences: numberOption('licences', values.licences),
  pageCap: numberOption('page-cap', values['page-cap']),
  tokenLifetimeSeconds: numberOption('token-lifetime', values['token-lifetime']),
};
for (const [key, value] of Object.entries(numbers)) {
  if (value !== undefined) Object.assign(options, { [key]: value });
}
if (values.tenant !== undefined) options.tenant = values.tenant;

function shareOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new Error(`--${name} must be a share between 0 and 1, got ${value}`);
  return n;
}

const faults: NonNullable<StandinOptions['faults']> = {
  errorRate: shareOption('error-rate', values['error-rate']),
  resetRate: shareOption('reset-rate', values['reset-rate']),
  timeoutRate: shareOption('timeout-rate', values['timeout-rate']),
  truncateRate: shareOption('truncate-rate', values['truncate-rate']),
  malformedRate: shareOption('malformed-rate', values['malformed-rate']),
};
if (values['rate-limit'] !== undefined) {
  // requests/seconds, as Halo words it: 300/300 is "300 Requests per rolling 5 minute window".
  const [requests, seconds] = values['rate-limit'].split('/').map(Number);
  if (!Number.isInteger(requests) || !(requests! > 0) || !(seconds! > 0)) {
    throw new Error(`--rate-limit must look like 300/300 (requests/seconds), got ${values['rate-limit']}`);
  }
  faults.rateLimit = { requests: requests!, windowMs: seconds! * 1000 };
}
if (values.latency !== undefined) {
  const [min, max = min] = values.latency.split('-').map(Number);
  if (!(min! >= 0) || !(max! >= min!))
    throw new Error(`--latency must look like 200 or 50-400, got ${values.latency}`);
  faults.latencyMs = [min!, max!];
}
options.faults = faults;

const standin = await startHaloStandin(options);
const { settings, data } = standin;
console.log(`Halo stand-in listening on ${standin.url}`);
console.log(
  `  ${data.customers.length} customers, ${data.assets.length} assets, ${data.licences.length} licences`,
);
if (faults.rateLimit) {
  console.log(
    `  rate limit: ${faults.rateLimit.requests} requests per ${faults.rateLimit.windowMs / 1000} s`,
  );
}
console.log('');
console.log(`Resource Server URL:       ${settings.resourceServerUrl}`);
console.log(`Authorisation Server URL:  ${settings.authServerUrl}`);
console.log(`Tenant:                    ${settings.tenant}`);
console.log(`Client ID:                 ${settings.clientId}`);
console.log(`Client Secret:             ${settings.clientSecret}`);
console.log('');
console.log(
  'The product reaches it only with ALLOW_PRIVATE_HALO_URLS=true (plain http on 127.0.0.1). Ctrl+C stops it.',
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void standin.close().then(() => process.exit(0));
  });
}

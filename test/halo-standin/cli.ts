// Runs the stand-in alone for manual trials:
//   tsx test/halo-standin/cli.ts --port 8484 --assets 2500
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

const standin = await startHaloStandin(options);
const { settings, data } = standin;
console.log(`Halo stand-in listening on ${standin.url}`);
console.log(
  `  ${data.customers.length} customers, ${data.assets.length} assets, ${data.licences.length} licences`,
);
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

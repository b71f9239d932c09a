// Bundles the workflow code once, at build time, into one file the worker loads with WORKFLOW_BUNDLE_PATH,
// so a worker starts in about a second instead of running webpack on every start.
//   node --import tsx scripts/bundle-workflows.ts dist/workflow-bundle.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflows } from '../worker/create-worker';

const target = process.argv[2];
if (!target) {
  console.error('usage: node --import tsx scripts/bundle-workflows.ts <output file>');
  process.exit(2);
}
const file = resolve(target);
const bundle = await bundleWorkflows();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, bundle.code);
console.error(`[build] workflow bundle written to ${file} (${Math.round(bundle.code.length / 1024)} KiB)`);

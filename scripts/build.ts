// `npm run build`: the service as plain JavaScript, for the image and any machine that runs it without tsx.
// Each entry point becomes one ES module in dist/ (packages stay in node_modules, shared code in chunks),
// and the workflow code one bundle the worker loads with WORKFLOW_BUNDLE_PATH. Entry points sit flat in
// dist/ so that "one folder up" (config/env.ts projectRoot) is the project root there as in the sources.
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../config/env';
import { bundleWorkflows } from '../worker/create-worker';
import { entryPoints, workflowBundleFile } from './entry-points';

const outdir = resolve(projectRoot, process.argv[2] ?? 'dist');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: projectRoot,
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: true,
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
const bundle = await bundleWorkflows();
writeFileSync(join(outdir, workflowBundleFile), bundle.code);
console.error(`[build] ${Object.keys(entryPoints).join(', ')} and the workflow bundle written to ${outdir}`);

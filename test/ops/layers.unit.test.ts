// Layers point one way, and ESLint says so: a lower folder importing a higher one fails the lint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { projectRoot } from '../../config/env';

const eslint = new ESLint({ cwd: projectRoot });

/** The lint messages of `file` with `line` added at its top. */
async function lintWith(file: string, line: string): Promise<string[]> {
  const text = `${line}\n${readFileSync(join(projectRoot, file), 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: join(projectRoot, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('the layers', { timeout: 120_000 }, () => {
  it('refuse a halo/ import of db/', async () => {
    const messages = await lintWith(
      'halo/settings.ts',
      "export { loadIntegrationWithSecret } from '../db/integrations-repository';",
    );
    assert.ok(
      messages.some((m) => m.includes('no-restricted-imports') && m.includes('halo/ sits below')),
      messages.join('\n'),
    );
  });

  it('refuse values from workflows/ in activities/, and api/ anywhere below it', async () => {
    const fromWorkflows = await lintWith(
      'activities/failures.ts',
      "export { FullSync } from '../workflows/sync';",
    );
    assert.ok(
      fromWorkflows.some((m) => m.includes('activities/ sits below')),
      fromWorkflows.join('\n'),
    );
    const fromApi = await lintWith('db/ids.ts', "export { buildApp } from '../api/app';");
    assert.ok(
      fromApi.some((m) => m.includes('db/ sits below')),
      fromApi.join('\n'),
    );
  });

  it('keep the Halo stand-in out of the product: api/, halo/ and the worker may not import it', async () => {
    for (const file of ['api/app.ts', 'halo/settings.ts', 'worker/main.ts']) {
      const messages = await lintWith(file, "export { startHaloStandin } from '../standin/index';");
      assert.ok(
        messages.some((m) => m.includes('may use the Halo stand-in')),
        `${file}:\n${messages.join('\n')}`,
      );
    }
  });

  it('leave the files as they are clean', async () => {
    const messages = await lintWith('halo/settings.ts', '');
    assert.deepEqual(messages, []);
  });
});

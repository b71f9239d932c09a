// Runs the fault suite's storm scenario (issue 16: a budget above the tenant's limit, so 429s; 10% failing
// answers; tokens expiring every 12 s; the worker SIGKILLed and PostgreSQL restarted mid-sync) several times
// and prints how long each run took. It restarts the local PostgreSQL server every time: run it on a machine
// of your own. Usage: node --import tsx scripts/storm-soak.ts [times, default 5]
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../config/env';

const times = Number(process.argv[2] ?? 5);
if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive whole number');
const results: string[] = [];
for (let i = 1; i <= times; i++) {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-timeout=900000',
      '--test-name-pattern=storm',
      'test/faults/system-faults.test.ts',
    ],
    { cwd: projectRoot, encoding: 'utf8' },
  );
  const said = /storm: (\w+) in ([\d.]+) s; (\d+) answered 429/.exec(run.stdout);
  const line =
    said && run.status === 0
      ? `run ${i}: ${said[1]} in ${said[2]} s, ${said[3]} answered 429`
      : `run ${i}: FAILED (exit ${run.status}${said ? `, ${said[1]} after ${said[2]} s` : ''})`;
  results.push(line);
  console.log(line);
}
const failed = results.filter((r) => r.includes('FAILED')).length;
console.log(`${times - failed} of ${times} storms completed equal to the tenant`);
process.exitCode = failed === 0 ? 0 : 1;

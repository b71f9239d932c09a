// One "worker process" for budget-processes.test.ts: it shares a PostgreSQL budget with its siblings,
// acquires slots from several concurrent callers as a worker's activities would, and prints the times.
//   node --import tsx test/halo/budget-child.ts <database url> <key> <acquisitions> <requests> <window ms>
// It prints "ready" once connected, waits for "go" on stdin, and ends with one JSON line of times.
import { once } from 'node:events';
import { createDatabase } from '../../db/client';
import { createPostgresRequestBudget } from '../../db/request-budget-store';

const [url = '', key = '', countText = '', requestsText = '', windowText = ''] = process.argv.slice(2);
const limits = { requests: Number(requestsText), windowMs: Number(windowText) };
const count = Number(countText);
const callers = 4;

const { db, sql, close } = createDatabase(url, { max: callers });
try {
  await sql`select 1`;
  const budget = createPostgresRequestBudget(db, { defaults: limits });
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  process.stdin.destroy();

  const granted: number[] = [];
  const observed: number[] = [];
  let left = count;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (left > 0) {
        left--;
        const grant = await budget.acquire(key, limits);
        observed.push(Date.now());
        granted.push(grant.startedAt);
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ pid: process.pid, granted, observed })}\n`);
} finally {
  await close();
}

// The parent's side of bench/standin-process.ts: start it, wait for its tenant, ask for request counts.
import { join } from 'node:path';
import type { StandinStats } from '../standin/index';
import { spawnTs, type BenchChild } from './processes';
import type { StandinProcessOptions, StandinReady, StandinReply, StandinRequest } from './standin-process';

export interface StandinHandle extends Omit<StandinReady, 'type'> {
  child: BenchChild;
  stats(): Promise<StandinStats>;
  resetStats(): Promise<StandinStats>;
}

export async function startStandinProcess(
  name: string,
  options: StandinProcessOptions,
  logDir: string,
): Promise<StandinHandle> {
  const child = spawnTs(
    name,
    'bench/standin-process.ts',
    { env: process.env, logFile: join(logDir, `${name}.log`), ipc: true },
    // A million generated assets take about 600 MB; leave the heap room to serve them.
    ['--max-old-space-size=4096'],
    [JSON.stringify(options)],
  );
  const ready = await new Promise<StandinReady>((resolve, reject) => {
    child.process.once('message', (message: StandinReady) => resolve(message));
    void child.exited.then((code) =>
      reject(new Error(`${name} exited (${code}); see ${logDir}/${name}.log`)),
    );
  });
  let nextId = 1;
  const pending = new Map<number, (stats: StandinStats) => void>();
  child.process.on('message', (message: StandinReply) => {
    pending.get(message.id)?.(message.stats);
    pending.delete(message.id);
  });
  const ask = (type: StandinRequest['type']) =>
    new Promise<StandinStats>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.process.send({ id, type } satisfies StandinRequest);
    });
  const { type: _type, ...rest } = ready;
  return { ...rest, child, stats: () => ask('stats'), resetStats: () => ask('reset') };
}

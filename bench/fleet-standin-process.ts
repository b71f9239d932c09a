// Many Halo tenants in one process, for the fleet phase: one stand-in per tenant (its own port, so its
// own budget key), each behind its own rate limit. Options come as JSON in argv[2]; the parent reads the
// summed request statistics over IPC as with bench/standin-process.ts.
import { startHaloStandin, type HaloStandin, type RateLimit, type StandinStats } from '../standin/index';
import type { StandinReply, StandinRequest } from './standin-process';

export interface FleetStandinOptions {
  tenants: number;
  seed: number;
  customers: number;
  assets: number;
  licences: number;
  rateLimit: RateLimit;
}

export interface FleetStandinReady {
  type: 'ready';
  settings: HaloStandin['settings'][];
  generateMs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as FleetStandinOptions;
const started = performance.now();
const standins: HaloStandin[] = [];
for (let i = 0; i < options.tenants; i++) {
  standins.push(
    await startHaloStandin({
      seed: options.seed + i,
      customers: options.customers,
      assets: options.assets,
      licences: options.licences,
      faults: { rateLimit: options.rateLimit },
    }),
  );
}
const generateMs = Math.round(performance.now() - started);

function summed(): StandinStats {
  const total: StandinStats = {
    requests: 0,
    tokenRequests: 0,
    byPath: {},
    byStatus: {},
    rateLimited: 0,
    faults: { error: 0, reset: 0, timeout: 0, truncate: 0, malformed: 0 },
  };
  for (const { stats } of standins) {
    total.requests += stats.requests;
    total.tokenRequests += stats.tokenRequests;
    total.rateLimited += stats.rateLimited;
    for (const [status, n] of Object.entries(stats.byStatus)) {
      total.byStatus[status] = (total.byStatus[status] ?? 0) + n;
    }
  }
  return total;
}

const closeAll = () => Promise.all(standins.map((s) => s.close())).finally(() => process.exit(0));
process.on('message', (message: StandinRequest) => {
  if (message.type === 'reset') for (const s of standins) s.resetStats();
  // The direct loop over the fleet knows no budget: it runs with the limits off.
  if (message.type === 'unlimited') for (const s of standins) s.setFaults({ rateLimit: undefined });
  if (message.type === 'limited') for (const s of standins) s.setFaults({ rateLimit: options.rateLimit });
  const reply: StandinReply = { id: message.id, stats: summed() };
  process.send?.(reply);
});
process.on('disconnect', () => void closeAll());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void closeAll());

const ready: FleetStandinReady = { type: 'ready', settings: standins.map((s) => s.settings), generateMs };
process.send?.(ready);

// The Halo stand-in in a process of its own, so that generating and serving a large tenant does not share an
// event loop with the orchestrator. Options come as JSON in argv[2]; the parent reads request statistics
// over the IPC channel: {id, type: 'stats' | 'reset'} is answered with {id, stats}.
import type { HaloSettings } from '../halo/settings';
import { startHaloStandin, type RateLimit, type StandinStats } from '../standin/index';

export interface StandinProcessOptions {
  seed: number;
  customers: number;
  assets: number;
  licences: number;
  honourLastUpdateFilter: boolean;
  pageCap: number;
  rateLimit?: RateLimit;
}

export interface StandinReady {
  type: 'ready';
  settings: HaloSettings;
  counts: { customers: number; assets: number; licences: number };
  /** Whether this build of the stand-in enforces `rateLimit` (probed, not assumed). */
  rateLimitSupported: boolean;
  generateMs: number;
}

export interface StandinRequest {
  id: number;
  /** 'unlimited' and 'limited' turn the fleet stand-in's rate limits off and on again. */
  type: 'stats' | 'reset' | 'unlimited' | 'limited';
}

export interface StandinReply {
  id: number;
  stats: StandinStats;
}

/** A tiny stand-in allowed 2 requests a minute: a build that enforces the limit answers 429 by the fourth. */
async function probeRateLimit(): Promise<boolean> {
  const probe = await startHaloStandin({
    customers: 1,
    assets: 3,
    licences: 1,
    faults: { rateLimit: { requests: 2, windowMs: 60_000 } },
  });
  try {
    const { settings } = probe;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      scope: 'read:assets read:customers',
    });
    const token = await fetch(`${settings.authServerUrl}/token?tenant=${settings.tenant}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (token.status === 429) return true;
    const { access_token: accessToken } = (await token.json()) as { access_token?: string };
    for (let i = 0; i < 4; i++) {
      const page = await fetch(`${settings.resourceServerUrl}/Asset?pageinate=true&page_size=1&page_no=1`, {
        headers: { authorization: `Bearer ${accessToken ?? ''}` },
      });
      await page.arrayBuffer();
      if (page.status === 429) return true;
    }
    return false;
  } finally {
    await probe.close();
  }
}

const options = JSON.parse(process.argv[2] ?? '{}') as StandinProcessOptions;
const rateLimitSupported = await probeRateLimit();
const started = performance.now();
const standin = await startHaloStandin({
  seed: options.seed,
  customers: options.customers,
  assets: options.assets,
  licences: options.licences,
  honourLastUpdateFilter: options.honourLastUpdateFilter,
  pageCap: options.pageCap,
  ...(options.rateLimit ? { faults: { rateLimit: options.rateLimit } } : {}),
});
const generateMs = Math.round(performance.now() - started);

process.on('message', (message: StandinRequest) => {
  if (message.type === 'reset') standin.resetStats();
  const reply: StandinReply = { id: message.id, stats: structuredClone(standin.stats) };
  process.send?.(reply);
});
// The parent gone (even killed outright) means the benchmark is over.
process.on('disconnect', () => void standin.close().finally(() => process.exit(0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void standin.close().finally(() => process.exit(0)));
}

const ready: StandinReady = {
  type: 'ready',
  settings: standin.settings,
  counts: {
    customers: standin.data.customers.length,
    assets: standin.data.assets.length,
    licences: standin.data.licences.length,
  },
  rateLimitSupported,
  generateMs,
};
process.send?.(ready);

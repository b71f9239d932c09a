// The worker's own small HTTP listener (WORKER_HTTP_PORT), for the orchestrator and for Prometheus:
//   GET /healthz  200 while the Temporal worker is running (polling its task queue), else 503
//   GET /readyz   200 while it runs and PostgreSQL answers, else 503
//   GET /metrics  Prometheus text; needs `Authorization: Bearer <METRICS_TOKEN>` when that is set
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface WorkerHttpOptions {
  host: string;
  port: number;
  /** The Temporal worker's state ('RUNNING', 'DRAINING', …), or 'STARTING' before it exists. */
  state: () => string;
  /** Resolves true when the database answers. */
  databaseOk: () => Promise<boolean>;
  registry: Registry;
  metricsToken?: string | undefined;
}

export interface WorkerHttp {
  url: string;
  close(): Promise<void>;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startWorkerHttp(options: WorkerHttpOptions): Promise<WorkerHttp> {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    const state = options.state();
    switch (path) {
      case '/healthz':
        return json(res, state === 'RUNNING' ? 200 : 503, { status: state === 'RUNNING' ? 'ok' : state });
      case '/readyz': {
        const database = (await options.databaseOk()) ? 'ok' : 'unreachable';
        const ready = state === 'RUNNING' && database === 'ok';
        return json(res, ready ? 200 : 503, {
          status: ready ? 'ready' : 'not_ready',
          checks: { worker: state, database },
        });
      }
      case '/metrics': {
        if (options.metricsToken && !bearerMatches(req.headers.authorization, options.metricsToken)) {
          return json(res, 401, { error: 'send Authorization: Bearer <METRICS_TOKEN>' });
        }
        const text = await options.registry.metrics();
        res.writeHead(200, { 'content-type': options.registry.contentType });
        res.end(text);
        return;
      }
      default:
        return json(res, 404, { error: 'not found' });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'internal' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

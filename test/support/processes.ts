// Helpers for tests that run the service's processes from their entry points.
import { createServer } from 'node:net';
import { httpOk, startTsChild, waitFor, type Child } from '../../scripts/children';

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `work`, failing at once rather than at its timeout when the process dies meanwhile. */
export function unlessExited<T>(child: Child, work: Promise<T>): Promise<T> {
  const died = child.exited.then((code) => Promise.reject(new Error(`${child.name} exited early (${code})`)));
  died.catch(() => {}); // when `work` wins the race, nobody awaits this one
  return Promise.race([work, died]);
}

/**
 * The environment a test gives the service's processes: only PATH and HOME inherited, loopback Halo URLs
 * allowed, the request budget opened wide (the stand-in has no rate limit unless a test sets one), and the
 * API's answers checked against their schemas.
 */
export function processEnv(vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ALLOW_PRIVATE_HALO_URLS: 'true',
    HALO_BUDGET_REQUESTS: '100000',
    HALO_BUDGET_WINDOW_SECONDS: '1',
    API_CHECK_RESPONSES: 'true',
    ...vars,
  };
}

/** The worker and API processes from their entry points, as npm start runs them; resolves once /readyz is. */
export async function startServiceProcesses(
  env: NodeJS.ProcessEnv,
  api: string,
  output: (line: string) => void,
): Promise<Child[]> {
  const children = [
    startTsChild('worker', 'worker/main.ts', { env, output }),
    startTsChild('api', 'api/server.ts', { env, output }),
  ];
  await waitFor('the API', () => httpOk(`${api}/readyz`), 60_000);
  return children;
}

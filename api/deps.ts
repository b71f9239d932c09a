// What the API is built from: the routes take it from here, so they need nothing from app.ts, which
// registers them.
import type { FastifyServerOptions } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import type { KeyInput } from '../db/crypto';
import type { ApiMetrics } from './metrics';

export interface AppDeps {
  config: Config;
  db: Database;
  temporal: Client;
  encryptionKey: KeyInput;
  logger?: FastifyServerOptions['logger'];
  /** server.ts passes its own to serve it on METRICS_PORT too; otherwise one is made per app. */
  metrics?: ApiMetrics;
}

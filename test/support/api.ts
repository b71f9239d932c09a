import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { apiTemporalInterceptors } from '../../api/unreachable';
import type { Config } from '../../config/env';
import { createDatabase } from '../../db/client';
import { parseEncryptionKey } from '../../db/crypto';
import type { TestDatabase } from './database';

/**
 * The API built in-process for inject(), for tests whose requests never reach Temporal: its client points at
 * a closed port, so a request that did would fail loudly.
 */
export async function buildOfflineApp(
  database: Pick<TestDatabase, 'db'>,
  config: Config,
): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const connection = Connection.lazy({ address: '127.0.0.1:1', interceptors: apiTemporalInterceptors });
  const app = await buildApp({
    config,
    db: database.db,
    temporal: new Client({ connection }),
    encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
  });
  return {
    app,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}

/**
 * The API built with neither PostgreSQL nor Temporal behind it (both at closed ports), for the unit layer:
 * its routes, schemas and documents, and whatever answers before a request needs either.
 */
export async function buildUnconnectedApp(
  config: Config,
): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const database = createDatabase('postgres://postgres@127.0.0.1:1/none', { max: 1 });
  const offline = await buildOfflineApp(database, config);
  return {
    app: offline.app,
    async close() {
      await offline.close();
      await database.close();
    },
  };
}

/** Calls `app` in-process as the holder of `key`, answering status, parsed body and raw text. */
export function injectAs(app: () => FastifyInstance) {
  return async (
    key: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: object,
  ) => {
    const response = await app().inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(body ? { payload: body } : {}),
    });
    return { status: response.statusCode, body: response.body ? response.json() : null, text: response.body };
  };
}

// The API process: validates config once, connects lazily to Temporal, listens until SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { createDatabase } from '../db/client';
import { parseEncryptionKey } from '../db/crypto';
import { buildApp } from './app';

const config = loadConfig();
const encryptionKey = parseEncryptionKey(config.ENCRYPTION_KEY);
const database = createDatabase(config.DATABASE_URL, { max: config.DB_POOL_MAX });
// Lazy: the API starts (and /readyz says why it is not ready) even while Temporal is still coming up.
const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

const app = await buildApp({
  config,
  db: database.db,
  temporal,
  encryptionKey,
  logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.body.clientSecret'] },
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    void app
      .close()
      .then(() => Promise.all([connection.close(), database.close()]))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

await app.listen({ port: config.PORT, host: config.HOST });

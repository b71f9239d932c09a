// `npm run secrets:rotate`: re-encrypts every stored client secret with the first key of ENCRYPTION_KEY.
// Prints one JSON object of counts; exits 1 if any secret could be opened by none of the keys.
import { loadConfig } from '../config/env';
import { createDatabase } from '../db/client';
import { parseEncryptionKeys } from '../db/crypto';
import { rotateSecrets } from '../db/secret-rotation';

const config = loadConfig();
const keys = parseEncryptionKeys(config.ENCRYPTION_KEY);
const database = createDatabase(config.DATABASE_URL, { max: 1 });
try {
  const report = await rotateSecrets(database.sql, keys);
  console.log(JSON.stringify(report));
  if (report.unreadable.length > 0) {
    console.error(
      `${report.unreadable.length} stored secret(s) could not be decrypted with any key in ENCRYPTION_KEY; ` +
        'add the key they were saved with, or re-enter those integrations',
    );
    process.exitCode = 1;
  }
} finally {
  await database.close();
}

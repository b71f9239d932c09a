// Creates an account with its first admin and prints one JSON object {"accountId", "memberId", "apiKey"}: the
// admin's key, shown only here, since only its hash is stored.
import { parseArgs } from 'node:util';
import { parseEnv } from '../config/env';
import { createAccount } from '../db/accounts-repository';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';

const { values } = parseArgs({ options: { name: { type: 'string' }, admin: { type: 'string' } } });
const name = values.name?.trim();
const admin = values.admin?.trim() || 'First admin';
if (!name || name.length > 200 || admin.length > 200) {
  console.error(
    'usage: npm run --silent account:create -- --name "<account>" [--admin "<first admin>"] (1 to 200 characters)',
  );
  process.exit(2);
}
const env = parseEnv(process.env);
await migrateDatabase(env.DATABASE_URL);
const database = createDatabase(env.DATABASE_URL, { max: 1 });
try {
  console.log(JSON.stringify(await createAccount(database.db, name, admin)));
} finally {
  await database.close();
}

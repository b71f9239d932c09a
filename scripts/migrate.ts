// Creates the database if it is missing and applies the committed Drizzle migrations.
import { parseEnv } from '../config/env';
import { migrateDatabase } from '../db/migrate';

const env = parseEnv(process.env);
await migrateDatabase(env.DATABASE_URL);
console.error('[setup] database migrated');

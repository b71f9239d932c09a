// How members, keys and audit entries are shown through the API, and the schemas of those answers. A key is
// never shown, only its prefix, except once in the answer that created it (api/routes/api-keys.ts).
import { z } from 'zod';
import type { ApiKeyView } from '../db/api-keys-repository';
import type { MemberView } from '../db/members-repository';
import type { AuditEntry } from '../db/schema/index';
import { isoTime, type Documents } from './route-schemas';

export const roleSchema = z.enum(['admin', 'sync_manager', 'viewer']);
export const memberSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: roleSchema,
  createdAt: isoTime,
});
export const apiKeySchema = z.object({
  id: z.uuid(),
  memberId: z.uuid(),
  name: z.string(),
  prefix: z
    .string()
    .describe('The first 8 characters, to tell keys apart; the key itself is never shown again.'),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable().describe('To the minute.'),
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export const newKeySchema = apiKeySchema.extend({
  key: z.string().describe('The API key. Shown in this answer only: store it now.'),
});
export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoTime,
  member: z.object({ id: z.uuid().nullable(), name: z.string() }),
  apiKey: z.object({ id: z.uuid().nullable(), prefix: z.string() }),
  action: z.string().describe('integration.created, integration.updated, sync.started, api_key.revoked, …'),
  integrationId: z.uuid().nullable(),
  details: z.record(z.string(), z.unknown()).describe('Names and ids; never a secret value.'),
  ip: z.string(),
});

export function memberView(row: MemberView) {
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt.toISOString() };
}

export function apiKeyView(row: ApiKeyView, now = new Date()) {
  const expired = row.expiresAt !== null && row.expiresAt <= now;
  return {
    id: row.id,
    memberId: row.memberId,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status: row.revokedAt ? ('revoked' as const) : expired ? ('expired' as const) : ('active' as const),
  };
}

export function auditEntryView(row: AuditEntry) {
  return {
    id: String(row.id),
    at: row.createdAt.toISOString(),
    member: { id: row.memberId, name: row.memberName },
    apiKey: { id: row.apiKeyId, prefix: row.apiKeyPrefix },
    action: row.action,
    integrationId: row.integrationId,
    details: row.details,
    ip: row.ip,
  };
}

// Each view and its schema have the same fields, and every value the view gives fits the schema.
export const peopleViewsMatchSchemas: [
  Documents<ReturnType<typeof memberView>, typeof memberSchema>,
  Documents<ReturnType<typeof apiKeyView>, typeof apiKeySchema>,
  Documents<ReturnType<typeof auditEntryView>, typeof auditEntrySchema>,
] = [true, true, true];

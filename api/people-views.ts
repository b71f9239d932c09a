// How members, keys and audit entries are shown through the API. A key is never shown, only its prefix,
// except once in the answer that created it (api/routes/api-keys.ts).
import type { ApiKeyView } from '../db/api-keys-repository';
import type { MemberView } from '../db/members-repository';
import type { AuditEntry } from '../db/schema/index';

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

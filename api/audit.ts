// Writing the audit log: one call, `await audit(request, 'integration.updated', { integrationId, fields })`,
// after the change succeeded. Who (member and key), when and from where come from the request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { insertAuditEntry, type NewAuditEntry } from '../db/audit-repository';
import type { Database } from '../db/client';
import { accountOf } from './auth';
import { callerOf } from './people';

/** 'thing.done': integration.created, schedule.updated, sync.cancelled, api_key.revoked, webhook.created… */
export type AuditAction = `${string}.${string}`;

export type AuditDetails = { integrationId?: string } & Record<string, unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    appendAudit: (entry: NewAuditEntry) => Promise<void>;
  }
}

export function decorateAudit(app: FastifyInstance, db: Database): void {
  app.decorate('appendAudit', (entry: NewAuditEntry) => insertAuditEntry(db, entry));
}

// Property names that hold secrets wherever they appear; their values never reach the log, even by mistake.
const secretName = /secret|password|token$|^key$|apiKey$|authorization/i;

/** `value` with every property named like a secret left out, at any depth. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !secretName.test(name))
      .map(([name, inner]) => [name, withoutSecrets(inner)]),
  );
}

export async function audit(request: FastifyRequest, action: AuditAction, details: AuditDetails = {}) {
  const { member, key } = callerOf(request);
  const { integrationId, ...rest } = details;
  await request.server.appendAudit({
    accountId: accountOf(request).id,
    memberId: member.id,
    memberName: member.name,
    apiKeyId: key.id,
    apiKeyPrefix: key.prefix,
    action,
    integrationId: integrationId ?? null,
    details: withoutSecrets(rest) as Record<string, unknown>,
    ip: request.ip,
  });
}

/** Which of the five Halo values a change touched, by name; the secret is compared but never written. */
export function changedSettings(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(after).filter((name) => after[name] !== before[name]);
}

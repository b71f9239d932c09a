import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf } from '../auth';
import { callerOf } from '../people';
import { roleSchema } from '../people-views';
import { permissionsOf } from '../permissions';
import { isoTime } from '../route-schemas';

const meSchema = z.object({
  account: z.object({ id: z.uuid(), name: z.string() }),
  member: z.object({ id: z.uuid(), name: z.string(), role: roleSchema }),
  apiKey: z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), expiresAt: isoTime.nullable() }),
  permissions: z.array(z.enum(['view', 'manage_sync', 'admin'])),
});

/** Who is signed in, with what role and permissions, so the page can say why a button is off. */
export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  const getMeSchema = {
    tags: ['People and audit'],
    summary: 'Who is signed in: account, member, role, permissions',
    response: { 200: meSchema.describe('The caller') },
  };
  app.get('/me', { schema: getMeSchema }, async (request) => {
    const { member, key } = callerOf(request);
    return {
      account: accountOf(request),
      member: { id: member.id, name: member.name, role: member.role },
      apiKey: {
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        expiresAt: key.expiresAt?.toISOString() ?? null,
      },
      permissions: permissionsOf(member.role),
    };
  });
};

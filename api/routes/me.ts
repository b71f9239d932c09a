import type { FastifyPluginAsync } from 'fastify';
import { accountOf } from '../auth';
import { callerOf } from '../people';
import { permissionsOf } from '../permissions';

/** Who is signed in, with what role and permissions, so the page can say why a button is off. */
export const meRoutes: FastifyPluginAsync = async (app) => {
  app.get('/me', async (request) => {
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

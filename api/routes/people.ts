import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps';
import { apiKeyRoutes } from './api-keys';
import { auditRoutes } from './audit';
import { meRoutes } from './me';
import { memberRoutes } from './members';

/** Members, their keys, who is signed in, and the audit log: one registration for app.ts. */
export const peopleRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  await app.register(meRoutes);
  await app.register(memberRoutes, { deps });
  await app.register(apiKeyRoutes, { deps });
  await app.register(auditRoutes, { deps });
};
